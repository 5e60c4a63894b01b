"""What the field reader takes (:class:`FieldDef`) and gives (:class:`ParsedRequest`)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldDef:
    key: str  # e.g. "customer_information"
    title: str  # e.g. "Customer Information"
    synonyms: tuple[str, ...] = ()  # e.g. ("Customer", "Customer Info")

    def __post_init__(self) -> None:
        # rules.yml gives lists (or a single string); keep the dataclass hashable
        syn = self.synonyms
        if isinstance(syn, str):
            syn = (syn,)
        object.__setattr__(self, "synonyms", tuple(str(s) for s in (syn or ()) if s))


@dataclass(frozen=True)
class ParsedRequest:
    #: key -> cleaned text content, for every key whose marker was found
    #: ('' when found but without real content)
    fields: dict[str, str]
    #: keys whose heading/label was found at all
    found: frozenset[str]
    #: keys (in FieldDef order) absent or without real content; with
    #: ``unsure="ask"`` (the default) also the keys in :attr:`unsure`
    missing: tuple[str, ...]
    #: text of ticked task-list items anywhere in the description, without the
    #: ``[x]`` marker, in document order (``- [x] Services evaluation`` ->
    #: ``"Services evaluation"``)
    checked_boxes: tuple[str, ...] = ()
    #: key -> the exact text of the description the field was read from (its
    #: label line and content, as written), for every found key
    sources: dict[str, str] = field(default_factory=dict)
    #: keys answered only by a reference a reader cannot check on the issue
    #: ("see above", "same as last time", a link alone), in FieldDef order
    unsure: tuple[str, ...] = ()
    #: key -> why a missing key is missing: "absent" (never named), "empty",
    #: "placeholder" (TBD, [Customer name], ...), "deferred" ("to follow"),
    #: "unsure" (see :attr:`unsure`)
    reasons: dict[str, str] = field(default_factory=dict)

    def has(self, key: str) -> bool:
        """True when the field was found and holds real content."""
        return key in self.found and key not in self.missing

    def text(self, key: str) -> str:
        """The cleaned text of a field, '' when absent or empty."""
        return self.fields.get(key, "")

    def source(self, key: str) -> str:
        """The text the field was read from, as written ('' when absent)."""
        return self.sources.get(key, "")
