"""Hidden markers: every bot comment ends with an HTML comment naming its rule and key,
invisible in GitLab's rendered view, so gl-cs can tell it already said something."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^A-Za-z0-9_.:=,+-]")


def marker(rule: str, key: str) -> str:
    safe_key = _UNSAFE.sub("_", key).replace("--", "-_")[:120]
    safe_rule = _UNSAFE.sub("_", rule)
    return f"<!-- gl-cs:{safe_rule}:{safe_key} -->"


def with_marker(body: str, rule: str, key: str) -> str:
    return f"{body.rstrip()}\n\n{marker(rule, key)}"


def has_marker(bodies, rule: str, key: str) -> bool:
    mark = marker(rule, key)
    return any(mark in b for b in bodies)


_MARKER_RE = re.compile(r"<!-- gl-cs:([A-Za-z0-9_.:=,+-]+?):([A-Za-z0-9_.:=,+-]*) -->")


def markers_in(body: str) -> list[tuple[str, str]]:
    """The (rule, key) pairs of the markers in one comment body, in order."""
    return _MARKER_RE.findall(body or "")


def latest_key(bodies, rule: str, prefix: str = "") -> str | None:
    """The key of the most recent marker of ``rule`` whose key starts with ``prefix``
    (``bodies`` oldest first)."""
    found = None
    for body in bodies:
        for r, k in markers_in(body):
            if r == rule and k.startswith(prefix):
                found = k
    return found
