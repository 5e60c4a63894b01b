"""What the rules read from an issue's text, read once per text.

Parsing a description (its fields, the dates AEs write, a checklist's tasks, a kind's
facts) is the costly part of deciding; the rest is comparing what was read with the clock
and the labels. A :class:`Reading` holds what was read from one text: its *parts* (one per
question a rule asks: ``request``, ``dates``, ``services``, ``kind:onboarding``, ...),
each computed the first time a rule asks for it. A reading is keyed by the issue's title,
description and creation time (``today`` and a date without a year are read from when the
request was written, never from the run's clock) and by the code that reads
(:data:`READER`): the same text read by the same gl-cs always reads the same, so the
record keeps the parts, and an issue nobody edited is never parsed again, in any process.

Rules stay pure: ``reading_of(issue, config).part(name, compute)`` either returns what the record
kept or computes it from the issue's text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import types
import typing
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable

from ..read.snapshot import Issue


def _code_digest() -> str:
    """The code that reads: every module of gl-cs (a reader changed by a new release or a
    developer's edit reads afresh; a deployed gl-cs never changes between runs)."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        if "sandbox" in path.parts:
            continue
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


READER = _code_digest()


_CONFIGS: OrderedDict[int, tuple[Any, str]] = OrderedDict()


def _config_key(config: Any) -> str:
    """The configuration's digest (field names, placeholders, time zone ... are read with it)."""
    if config is None:
        return ""
    found = _CONFIGS.get(id(config))
    if found is None or found[0] is not config:
        from ..config.canonical import digest

        found = (config, digest(config))
        _CONFIGS[id(config)] = found
        if len(_CONFIGS) > 16:
            _CONFIGS.popitem(last=False)
    return found[1]


def text_key(issue: Issue, config: Any = None) -> str:
    """The key of what can be read from ``issue``'s text with ``config``."""
    created = issue.created_at.isoformat() if issue.created_at else ""
    text = f"{READER}\x1f{_config_key(config)}\x1f{created}\x1f{issue.title or ''}\x1f{issue.description or ''}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:24]


class Stats:
    """Texts parsed in this process (a reading that computed at least one part)."""

    parsed = 0


STATS = Stats()


class Reading:
    """The parts read from one text, as plain JSON-ready values."""

    __slots__ = ("key", "parts", "fresh")

    def __init__(self, key: str, parts: dict[str, Any] | None = None):
        self.key = key
        self.parts: dict[str, Any] = dict(parts or {})
        self.fresh = False  # a part was computed (parsed) in this process

    def part(self, name: str, compute: Callable[[], Any], *, encode: Callable[[Any], Any] | None = None,
             decode: Callable[[Any], Any] | None = None) -> Any:
        """The part ``name``: kept, or computed now. ``encode`` / ``decode`` turn a value
        into JSON and back (by default the value is JSON already)."""
        if name in self.parts:
            raw = self.parts[name]
            return decode(raw) if decode else raw
        value = compute()
        self.parts[name] = encode(value) if encode else value
        if not self.fresh:
            self.fresh = True
            STATS.parsed += 1
        return value


_CACHE: OrderedDict[str, Reading] = OrderedDict()
_CACHE_SIZE = 4096


def reading_of(issue: Issue, config: Any) -> Reading:
    """The issue's reading: the one it carries (the record's), else one shared by every
    issue with the same text (and configuration) in this process."""
    if isinstance(issue.reading, Reading):
        return issue.reading
    key = text_key(issue, config)
    found = _CACHE.get(key)
    if found is None:
        found = Reading(key)
        _CACHE[key] = found
        if len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(key)
    return found


def with_reading(issue: Issue, config: Any, kept: tuple[str, dict[str, Any]] | None = None) -> Issue:
    """``issue`` carrying its reading: the record's ``kept`` (key, parts) when the text
    is the one they were read from, else a fresh (or this process's) one."""
    if isinstance(issue.reading, Reading):
        return issue
    key = text_key(issue, config)
    if kept is not None and kept[0] == key:
        reading = _CACHE.get(key) or Reading(key, kept[1])
    else:
        reading = reading_of(issue, config)
    return dataclasses.replace(issue, reading=reading)


# -- plain JSON for the parts ------------------------------------------------------

def encode(value: Any) -> Any:
    """A dataclass, tuple, dict, date or time as JSON (dates in ISO form)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, (frozenset, set)):
        return sorted(encode(v) for v in value)
    return value


def decoder(cls: type) -> Callable[[Any], Any]:
    """The inverse of :func:`encode` for values of the dataclass ``cls``."""
    hints = typing.get_type_hints(cls)

    def one(hint: Any, raw: Any) -> Any:
        if raw is None:
            return None
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if origin in (typing.Union, types.UnionType):
            inner = [a for a in args if a is not type(None)]
            return one(inner[0], raw) if len(inner) == 1 else raw
        if hint is dt.datetime:
            return dt.datetime.fromisoformat(raw)
        if hint is dt.date:
            return dt.date.fromisoformat(raw)
        if origin is tuple:
            item = args[0] if args else Any
            return tuple(one(item, r) for r in raw)
        if origin is frozenset:
            return frozenset(one(args[0] if args else Any, r) for r in raw)
        if origin is dict:
            return {k: one(args[1] if len(args) > 1 else Any, v) for k, v in raw.items()}
        if dataclasses.is_dataclass(hint):
            return decoder(hint)(raw)
        return raw

    names = {f.name for f in dataclasses.fields(cls)}

    def decode(raw: dict) -> Any:
        return cls(**{k: one(hints.get(k, Any), v) for k, v in raw.items() if k in names})

    return decode


def list_of(cls: type) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    """(encode, decode) for a list of dataclass values."""
    item = decoder(cls)
    return encode, (lambda raw: [item(r) for r in raw])
