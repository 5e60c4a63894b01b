"""Compatibility entry point: the sync lives in :mod:`gl_cs.app.sync`."""

from .app.runtime import Runtime, SetupError
from .app.sync import run_sync

__all__ = ["run_sync", "Runtime", "SetupError"]
