"""The shape of a rule: a name, the issue states it looks at, and a pure ``decide``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ...read.snapshot import Issue
from ..actions import Action
from ..context import Context

Decide = Callable[[Issue, Context], list[Action]]


@dataclass(frozen=True)
class Rule:
    name: str
    decide: Decide
    states: tuple[str, ...] = ("opened",)
    doc: str = ""
    # The kinds of issue the rule applies to (``gl_cs.decide.request``): None for every
    # kind. Issues gl-cs opened and SA Action Items are never asked for request fields.
    kinds: tuple[str, ...] | None = None
