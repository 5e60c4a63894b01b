"""A canonical form of the configuration: the same text in every process.

State kept between runs (the record) is valid only for the configuration it was made
with. ``repr(config)`` is not fit for that: a frozenset's order follows Python's
per-process hash seed, so two CI jobs with the same rules.yml computed different digests
and each threw the other's record away. :func:`canonical` writes any configuration value
as JSON with sorted keys and sorted sets, so the digest depends only on what the team
configured (and on gl-cs's version, on purpose: a new release may decide differently).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from typing import Any

#: Fields that say where the configuration came from, not what it does.
_NOT_BEHAVIOUR = frozenset({"source"})


def canonical(value: Any) -> Any:
    """A JSON-ready value with one spelling: dataclasses and mappings as sorted objects,
    sets sorted, tuples as lists, dates and times in ISO form."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"@": type(value).__name__,
                **{f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)
                   if f.name not in _NOT_BEHAVIOUR}}
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (set, frozenset)):
        return sorted((canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)  # pragma: no cover - every Config field is one of the above


def digest(value: Any, *, version: str = "") -> str:
    """A short, process-independent digest of ``value`` (and of ``version``)."""
    text = json.dumps({"version": version, "value": canonical(value)}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
