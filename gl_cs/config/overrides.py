"""A desk's configuration: rules.yml with the desk's ``desks:`` entry laid over it.

Pure functions on the loaded YAML, shared by the validation (``gl_cs.config.load``) and by
the desks (``gl_cs.config.desks``):

* :func:`desk_key`: how a project is named for matching and sharding (an id as digits, a
  path lower-cased: GitLab paths are case-insensitive);
* :func:`merged`: rules.yml without its desk keys, with the override laid over it:
  mappings merge key by key, anything else (a list, a value) replaces what was there;
* :func:`overlay_lines`: the line map of that merged document, so a mistake in an override
  is reported at the override's own line.
"""

from __future__ import annotations

import copy
from typing import Any

from .schema import DESK_KEYS


def desk_key(ref: Any) -> str:
    """``42``, ``"42"`` -> ``"42"``; ``"SA-Team/EMEA/"`` -> ``"sa-team/emea"``."""
    if isinstance(ref, bool):
        return str(ref)
    if isinstance(ref, int):
        return str(ref)
    text = str(ref).strip().strip("/")
    return str(int(text)) if text.isdigit() else text.lower()


def deep_merge(base: Any, over: Any) -> Any:
    """``over`` laid on ``base``: mappings merge key by key; anything else replaces."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = deep_merge(base.get(key), value) if key in base else copy.deepcopy(value)
        return out
    return copy.deepcopy(over)


def without_desk_keys(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in DESK_KEYS}


def merged(data: dict, override: dict | None) -> dict:
    """The desk's rules.yml: ``data`` without its desk keys, ``override`` laid over it."""
    return deep_merge(without_desk_keys(data), override or {})


def overlay_lines(lines: dict, written_key: str) -> dict:
    """The line map of :func:`merged` for the ``desks`` entry written as ``written_key``:
    where the override says something, its lines; elsewhere rules.yml's."""
    prefix = ("desks", written_key)
    out = {path: where for path, where in lines.items() if path[:1] != ("desks",)}
    for path, where in lines.items():
        if path[:2] == prefix and len(path) > 2:
            out[path[2:]] = where
    return out
