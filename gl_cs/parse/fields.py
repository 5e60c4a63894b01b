"""Read the fields of an ``SA Activity`` request out of an issue description.

:func:`parse_request` turns a description written in any of the ways AEs write
into one text per field, says which fields are missing, and why.  It is a pure
function: no I/O, no clock, configuration arrives as arguments.

The reader is four small parts, each a module a person can hold in their head:

* :mod:`~gl_cs.parse.normalise` - text as a person sees it (line ends,
  invisible characters, non-breaking spaces, comments, Slack links);
* :mod:`~gl_cs.parse.layout` - how values are laid out: one line reader that
  turns the text into headings and lines (labels, tables, lists ...);
* :mod:`~gl_cs.parse.names` - which field a heading or label names;
* :mod:`~gl_cs.parse.values` - whether a line is an answer (placeholders,
  prompts, deferrals, "see above");

and every word they know is data in :mod:`~gl_cs.parse.vocabulary`.

How fields are assembled (this module)
======================================

*Markers* come in three strengths: 3 - a heading; 2 - a bold label at the start
of a line or list item, a table row whose first cell names the field, a table
header naming several fields; 1 - a plain label line (``Outcome: ..``).  For
every field only its strongest kind of marker is honoured; weaker markers for the
same field are ordinary content of whatever field they sit in (``Opportunity
size: $250k`` under ``## Customer Information`` stays there when the document also
has an ``## Opportunity Details`` heading).

*Sections.*  Content belongs to the last honoured marker.  A heading that names
no field ends the current field when the field was started by a label or by a
heading of the same or a higher level.  A label naming a part of its own
(``Notes:``, ``Next steps:``) ends a field started by a label; a sign-off
(``Thanks, Jim``) or chatty line (``Let me know if ...``) ends any field.  Text
before the first marker is ignored; a field named twice collects both sections.

*Answers.*  A field counts as present when at least one line is ``real`` (see
:mod:`~gl_cs.parse.values`).  A field whose only answers are ``unsure`` is in
:attr:`ParsedRequest.unsure` and, with ``unsure="ask"``, in ``missing``.

Field text is the cleaned content, one line per line, list items prefixed ``- ``
(indented two spaces per nesting level below the label that opened the field),
ticked boxes as ``[x] text``, table rows as ``cell | cell``, links as ``text
(url)``; cut at a line end after :data:`FIELD_TEXT_MAX` characters, then ending
with ``\\n…``.  :func:`parse_request` never raises on odd input; a bug in the
reader raises :class:`FieldReadError` instead of reporting every field missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from .layout import QUICK_ACTION_COMMANDS, RANK_HEADING, Heading, Line, clean_inline, units_for
from .model import FieldDef, ParsedRequest
from .names import match_field_name, matcher_for
from .normalise import normalise
from .values import Judge, box_key

__all__ = [
    "FieldDef",
    "ParsedRequest",
    "parse_request",
    "match_field_name",
    "QUICK_ACTION_COMMANDS",
    "FIELD_TEXT_MAX",
    "UNSURE_POLICIES",
    "FieldReadError",
]

#: a field's text is cut after this many characters (at a line end; the text
#: then ends with "\n…")
FIELD_TEXT_MAX = 20_000
class FieldReadError(Exception):
    """The field reader itself failed (a bug): the request was not read at all."""


#: what ``unsure`` may be: ask (an unsure field is missing) or accept (it is present)
UNSURE_POLICIES = ("ask", "accept")
_WS_RE = re.compile(r"\s+")


@dataclass
class _Acc:
    lines: list[str] = field(default_factory=list)
    src: list[str] = field(default_factory=list)
    verdicts: set[str] = field(default_factory=set)
    size: int = 0
    truncated: bool = False

    @property
    def real(self) -> bool:
        return "real" in self.verdicts

    def source(self, raw: str) -> None:
        if not self.src or self.src[-1] != raw:
            if sum(len(s) for s in self.src) < FIELD_TEXT_MAX:
                self.src.append(raw)


def _add(acc: _Acc, line: Line, text: str, judge: Judge, base_depth: int = 0) -> None:
    if line.quick_action:
        return
    if acc.size > FIELD_TEXT_MAX and acc.real:
        acc.truncated = True
        return
    if line.bulk:
        body = clean_inline(text).strip("\n")
        if not body.strip():
            return
        kept = []
        for ln in body.split("\n"):
            keep, verdict = judge.judge(ln)
            acc.verdicts.add(verdict)
            if keep:
                kept.append(ln)
        if kept:
            acc.lines.append("\n".join(kept))
            acc.size += sum(len(k) + 1 for k in kept)
        return
    if line.checkbox is not None:
        if line.checkbox != "x" and (judge.template_boxes is None or box_key(line.text) in judge.template_boxes):
            return  # an unticked option of the template itself
        keep, verdict = judge.judge(line.text)
        acc.verdicts.add(verdict)
        if not keep:
            return
        body = ("[x] " if line.checkbox == "x" else "[ ] ") + line.text
    else:
        keep, verdict = judge.judge(text)
        acc.verdicts.add(verdict)
        if not keep:
            return
        body = text.strip()
    rel = line.depth - base_depth  # nesting below the list item that named the field
    if line.item and line.depth:
        body = "  " * (max(rel, 1) - 1) + "- " + body
    elif rel > 0:
        body = "  " * rel + body
    acc.lines.append(body)
    acc.size += len(body) + 1


def parse_request(
    description: str | None,
    fields: Sequence[FieldDef],
    placeholders: Sequence[str] = (),
    template_boxes: Sequence[str] | None = None,
    *,
    unsure: str = "ask",
) -> ParsedRequest:
    """Read the fields of an SA Activity request from an issue description.

    ``placeholders``: texts that mean "no answer" (``intake.placeholders``).
    ``template_boxes``: the texts of the template's own checkbox options; an
    unticked box with one of these texts is a leftover, any other unticked box is
    a task the AE wrote.  ``None``: every unticked box is a leftover.
    ``unsure``: ``"ask"`` (fields answered only by "see above", "same as last
    time", a link alone are missing) or ``"accept"`` (they are present); either
    way they are listed in :attr:`ParsedRequest.unsure`.

    See the module docstring for the exact rules.  Never raises on odd input; a
    bug in the reader raises :class:`FieldReadError` (never a made-up "missing").
    """
    fields = tuple(f for f in (fields or ()) if isinstance(f, FieldDef))
    try:
        return _parse(description, fields, placeholders, template_boxes, unsure != "accept")
    except Exception as exc:
        # A bug, never odd input (odd input is read, not failed).  It is raised, not
        # turned into "every field is missing": that would ask an AE for all seven
        # fields she wrote.  The sync reports the issue as failed and moves on.
        raise FieldReadError(f"the field reader failed: {exc.__class__.__name__}: {exc}") from exc


def _parse(description, fields: Sequence[FieldDef], placeholders: Sequence[str],
           template_boxes: Sequence[str] | None, ask_unsure: bool) -> ParsedRequest:
    keys = list(dict.fromkeys(f.key for f in fields))
    matcher = matcher_for(fields)
    judge = Judge(placeholders, template_boxes)
    units = units_for(normalise(description), matcher)

    best: dict[str, int] = {}
    for u, _ in units:
        if isinstance(u, Heading):
            if u.key:
                best[u.key] = max(best.get(u.key, 0), RANK_HEADING)
        elif u.key and u.checkbox is None and not u.quick_action:
            best[u.key] = max(best.get(u.key, 0), u.rank)

    accs: dict[str, _Acc] = {}
    checked: list[str] = []
    current: str | None = None
    current_level: int | None = None  # heading level that opened the field (None: a label)
    base_depth = 0  # list depth of the label that opened the field

    for u, raw in units:
        if isinstance(u, Heading):
            if u.key:
                current, current_level, base_depth = u.key, u.level, 0
                acc = accs.setdefault(u.key, _Acc())
                acc.source(raw)
                if u.rest:
                    _add(acc, Line(text=u.rest), u.rest, judge)
            elif current is not None:
                if current_level is None or u.level <= current_level:
                    current, current_level = None, None
                else:
                    _add(accs[current], Line(text=u.text), u.text, judge)
                    accs[current].source(raw)
            continue
        line: Line = u  # type: ignore[assignment]
        if line.checkbox == "x" and line.text.strip():
            checked.append(line.text.strip())
        if line.key and line.checkbox is None and not line.quick_action and best.get(line.key) == line.rank:
            current, current_level, base_depth = line.key, None, line.depth
            acc = accs.setdefault(line.key, _Acc())
            acc.source(raw)
            if line.rest:
                _add(acc, Line(text=line.rest), line.rest, judge)
            continue
        if line.table_header:
            continue  # a header row that names no field is column titles, not content
        if line.ends and current is not None and (line.ends == "closing" or current_level is None):
            current, current_level = None, None
            continue
        if current is not None:
            _add(accs[current], line, line.text, judge, base_depth)
            accs[current].source(raw)

    out_fields: dict[str, str] = {}
    sources: dict[str, str] = {}
    missing: list[str] = []
    unsure: list[str] = []
    reasons: dict[str, str] = {}
    for key in keys:
        acc = accs.get(key)
        if acc is None:
            missing.append(key)
            reasons[key] = "absent"
            continue
        sources[key] = "\n".join(acc.src)
        body = "\n".join(acc.lines).strip("\n")
        if len(body) > FIELD_TEXT_MAX:
            cut = body[:FIELD_TEXT_MAX]
            body = (cut.rsplit("\n", 1)[0] if "\n" in cut else cut).rstrip() + "\n\u2026"
        elif acc.truncated:
            body += "\n\u2026"
        real = acc.real and not judge.is_placeholder(_WS_RE.sub(" ", body))
        is_unsure = not real and "unsure" in acc.verdicts
        if is_unsure:
            unsure.append(key)
        present = real or (is_unsure and not ask_unsure)
        out_fields[key] = body if present else ""
        if not present:
            missing.append(key)
            reasons[key] = ("unsure" if is_unsure else "deferred" if "deferred" in acc.verdicts
                            else "placeholder" if "placeholder" in acc.verdicts else "empty")
    return ParsedRequest(
        fields=out_fields,
        found=frozenset(k for k in accs if k in keys),
        missing=tuple(missing),
        checked_boxes=tuple(checked),
        sources=sources,
        unsure=tuple(unsure),
        reasons=reasons,
    )
