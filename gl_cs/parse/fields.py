"""Read the fields of an ``SA Activity`` request out of an issue description.

AEs fill the template in every style Markdown allows (ATX/setext headings, bold
labels, plain ``Field:`` lines, numbered lists, tables, GitLab's rich-text
editor output ...).  :func:`parse_request` turns any of them into one text per
field and says which fields are missing.  It is a pure function: no I/O, no
clock, configuration arrives as arguments.

How a description is read
=========================

1. *Normalise.*  ``None``/bytes/non-str are accepted; ``\\r\\n``, ``\\r``,
   U+2028 and U+2029 become ``\\n``; NUL becomes U+FFFD.  HTML comments
   (``<!-- ... -->``, also multi-line) are removed with a linear scan before
   parsing, because GitLab hides them when rendering: they are template
   leftovers, never content.  An unterminated ``<!--`` hides the rest of the
   description (that is what GitLab's renderer does with it at a line start).
2. *Parse.*  The text is split into blank-line separated segments (fenced code
   is never split) and each segment is parsed with markdown-it-py
   (CommonMark + tables, raw HTML on).  The token stream is turned into
   *units*: headings, and lines (paragraph lines split at soft/hard breaks and
   ``<br>``, list items, table rows, code lines, HTML-block lines).
3. *Find field markers.*  A unit names a field when its label text matches the
   title or a synonym of a :class:`FieldDef` (see :func:`match_field_name`).
   Markers come in three strengths:

   * 3 - a heading (``#`` .. ``######``, setext ``===``/``---``);
   * 2 - a bold/italic label at the start of a line or list item
     (``**Outcome**: ..``, ``**Outcome:** ..``, ``__Outcome__ - ..``, the
     rich-text editor's ``**Customer Information**`` line) and a table row
     whose first cell names the field (or a table whose header row names
     several fields: then each column is a field);
   * 1 - a plain label line (``Outcome: ..``, ``1. Customer Information``,
     ``Customer Information`` alone on a line).

   For every field only its strongest kind of marker is honoured; weaker
   markers for the same field are ordinary content of whatever field they sit
   in.  This keeps sub-labels such as ``Opportunity size: $250k`` written under
   ``## Customer Information`` inside that section when the document also has
   an ``## Opportunity Details`` heading, while a document that only ever says
   ``Opportunity size: $250k`` still counts as having opportunity details.
4. *Sections.*  Content belongs to the last honoured marker.  A heading that
   names no field ends the current field when the field was started by a label
   or by a heading of the same or a higher level (``## Notes`` ends
   ``## Outcome``; ``### Option A`` under ``## Preferred Date Options`` stays
   inside it and its text becomes content).  Text before the first marker is
   ignored.  A field named twice collects both sections.
5. *Clean.*  Not content (dropped from the text): blank lines, lines without
   any letter or digit (``---``, ``...``, emoji-only), placeholders (the
   configured list, compared case-insensitively on the whole trimmed line,
   list item or value of a ``Sub-label: value`` line, also after stripping
   surrounding brackets/quotes and trailing ``.:;,!?``), angle-bracket prompts
   such as ``<customer name>`` (a ``<...>`` that is not a real HTML tag, URL or
   e-mail address), unticked ``[ ]`` / ``[~]`` boxes of the template's own options
   (``template_boxes``; all unticked boxes when it is None), empty list items and
   quick-action lines (a paragraph line ``/close``, ``/label ~x`` ... with a
   known GitLab command name).  A ``Sub-label:`` line without a value is kept
   in the text but is not content on its own.  A field counts as present only
   when at least one real content line remains; otherwise its text is ``''``.

Field text is the cleaned content, one line per line, list items prefixed
``- `` (indented two spaces per nesting level below the label that opened the
field), ticked boxes as ``[x] text``, table rows as ``cell | cell``, links as
``text (url)``.  It is cut at a line end after :data:`FIELD_TEXT_MAX`
characters and then ends with ``\n…``.

Performance guard: markdown-it-py costs a few microseconds per character (much
more for brackets, pipes and emphasis).  A description is parsed fully by
markdown-it when its estimated cost fits a fixed budget (the normal case: any
description up to ~15 KB, real SA requests are 1-5 KB).  For larger ones the
segments that may hold a field marker are parsed first, within the budget, and
the remaining segments are read by a simple line reader that understands the
same shapes (ATX/setext headings, bold/italic labels, plain labels, pipe
tables incl. header-row tables, lists, task boxes, fences, quotes, ``<br>``)
but not every Markdown subtlety; on the whole test corpus it gives the same
result.  Identical segments are parsed once.  A 100 KB description takes well
under 200 ms.

:func:`parse_request` never raises on odd input; if something unexpected goes
wrong in a segment it falls back to the line reader for that segment.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from markdown_it import MarkdownIt

from ..text.coerce import as_text

__all__ = [
    "FieldDef",
    "ParsedRequest",
    "parse_request",
    "match_field_name",
    "QUICK_ACTION_COMMANDS",
    "FIELD_TEXT_MAX",
]


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
    #: keys (in FieldDef order) absent or without real content
    missing: tuple[str, ...]
    #: text of ticked task-list items anywhere in the description, without the
    #: ``[x]`` marker, in document order (``- [x] Services evaluation`` ->
    #: ``"Services evaluation"``)
    checked_boxes: tuple[str, ...] = ()

    def has(self, key: str) -> bool:
        """True when the field was found and holds real content."""
        return key in self.found and key not in self.missing

    def text(self, key: str) -> str:
        """The cleaned text of a field, '' when absent or empty."""
        return self.fields.get(key, "")


# --------------------------------------------------------------------------
# constants

#: GitLab quick-action command names (issues + merge requests); a paragraph
#: line ``/<command>`` is a command, never field content.
QUICK_ACTION_COMMANDS = frozenset(
    """
    add_child add_contacts add_email approve assign assign_reviewer award blocked_by
    blocks board_move cc clear_health_status clear_weight clone close confidential
    convert_to_ticket copy_metadata create_merge_request done draft due duplicate
    epic estimate estimate_time health_status iteration label labels link lock
    merge milestone move page promote promote_to promote_to_incident publish
    react ready reassign reassign_reviewer rebase relabel relate remove_child
    remove_contacts remove_due_date remove_email remove_estimate remove_iteration
    remove_label remove_milestone remove_parent remove_reviewer
    remove_time_estimate remove_time_spent remove_zoom reopen request_review
    reviewer set_parent severity shrug ship spend spend_time status submit_review
    subscribe tableflip target_branch timeline title todo unapprove unassign
    unassign_reviewer unlabel unlink unlock unsubscribe weight wip zoom tag
    """.split()
)

# HTML element names: an inline/blocks tag with one of these names is markup
# (dropped); any other ``<...>`` is kept as literal text (``<enter here>``).
_HTML_TAGS = frozenset(
    """
    a abbr address article aside audio b bdi bdo big blockquote body br button
    caption center cite code col colgroup dd del details dfn dialog div dl dt em
    embed fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 head
    header hr html i iframe img input ins kbd label legend li link main map mark
    meta meter nav noscript object ol optgroup option output p param picture pre
    progress q rp rt ruby s samp script section select small source span strike
    strong style sub summary sup svg table tbody td template textarea tfoot th
    thead time title tr track tt u ul var video wbr
    """.split()
)
_LINE_BREAK_TAGS = frozenset("br p div li tr h1 h2 h3 h4 h5 h6 summary details pre blockquote ul ol table".split())
_CELL_TAGS = frozenset({"td", "th"})

# A fenced-code opener/closer for the segmenter and the line reader.
_FENCE_RE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")
_ATX_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT_RE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_LIST_RE = re.compile(r"^([ \t]*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$")
_QUOTE_RE = re.compile(r"^[ \t]*(?:>[ \t]?)+")
_TABLE_DELIM_RE = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_CHECKBOX_RE = re.compile(r"^\[([ xX~])\](?:[ \t]+|$)")
_QUICK_ACTION_RE = re.compile(r"^/([A-Za-z_]+)(?=\s|$)")
_TAG_RE = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)\b[^<>]*>")
_ANGLE_PROMPT_RE = re.compile(r"^<([^<>]{1,80})>$")
_SUBLABEL_RE = re.compile(r"^([^:\n]{1,40}?)\s*:(?:\s+(.*)|\s*)$")
_HAS_WORD_RE = re.compile(r"[^\W_]")
_BACKSLASH_ESC_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
_FAST_STRONG_RE = re.compile(r"^([^\w*_]{0,20}?)(\*\*|__|\*|_)(?=\S)(.{1,200}?)(?<=\S)\2(?!\2)(.*)$")
_EMPH_MARK_RE = re.compile(r"\*\*|(?<!\w)__|__(?!\w)")
_BR_SPLIT_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
_WS_RE = re.compile(r"\s+")

# leading decoration in front of a label: bullets, emoji, punctuation,
# numbering ("1.", "2)", "(3)", "a)"), emoji short codes (":office:")
_DECOR_RE = re.compile(
    r"^(?::[a-z0-9_+-]{1,40}:|[\s\W_]+|\d{1,3}[.):](?=\s|$)|\(\d{1,3}\)|[A-Za-z][.)](?=\s))+"
)
_SEP_AFTER_NAME = (
    r"(?:['\u2019]s)?(?:\s*$|\s*(?::|[\u2013\u2014]|/|\(|\[|\||,|;|&|\?|!|\.(?!\w))|\s+-(?:\s|$))"
)
_WORD_RE = re.compile(r"\w+", re.UNICODE)

# markers' strength
_RANK_HEADING = 3
_RANK_BOLD = 2
_RANK_PLAIN = 1

# performance guard (see module docstring and _cost)
_MD_BUDGET = 50_000
_SMALL_SEGMENT = 6_000
_MAX_INPUT = 1_100_000  # GitLab caps descriptions at 1,048,576 characters
#: a field's text is cut after this many characters (at a line end; the text
#: then ends with "\n…")
FIELD_TEXT_MAX = 20_000


# --------------------------------------------------------------------------
# field-name matching


class _Matcher:
    """All titles/synonyms compiled into one regex (longest name first)."""

    def __init__(self, fields: Sequence[FieldDef]):
        names: list[tuple[int, str, str]] = []  # (length, pattern, key)
        first_words: set[str] = set()
        for fd in fields:
            for name in (fd.title, *fd.synonyms):
                words = [w.casefold() for w in _WORD_RE.findall(name or "")]
                if not words:
                    continue
                parts = [re.escape(w) for w in words]
                last = words[-1]
                # tolerate a plural "s" (or its absence) on the last word
                parts[-1] = (re.escape(last[:-1]) if len(last) > 2 and last.endswith("s") else re.escape(last)) + "s?"
                names.append((len(" ".join(words)), r"[\s\-_./]*".join(parts) + r"(?!\w)", fd.key))
                first_words.add(words[0])
                if len(words) == 1:
                    first_words.add(words[0] + "s")
                    if words[0].endswith("s"):
                        first_words.add(words[0][:-1])
        names.sort(key=lambda n: -n[0])
        self.line_cache: dict[tuple, _Line] = {}
        self.keys = [key for _, _, key in names]
        if names:
            alternation = "|".join(f"(?P<n{i}>{pat})" for i, (_, pat, _) in enumerate(names))
            self.regex: re.Pattern[str] | None = re.compile(
                r"(?:" + alternation + r")(?=" + _SEP_AFTER_NAME + r")", re.IGNORECASE
            )
        else:
            self.regex = None
        fw = sorted(first_words, key=len, reverse=True)
        self.first_word_re = re.compile(
            r"(?im)^[^\w\n]*(?:\d{1,3}[.):)][^\w\n]*)?(?:" + "|".join(re.escape(w) for w in fw) + r")(?!\w)"
            if fw
            else r"(?!x)x"
        )

    def match(self, text: str) -> tuple[str, str] | None:
        """Return (key, rest-after-name) when ``text`` starts with a field name
        followed by a separator or the end (heading/strong mode)."""
        if self.regex is None or not text:
            return None
        body = text if text[:1].isalpha() else _strip_decoration(text)
        m = self.regex.match(body)
        if not m or not m.lastgroup:
            return None
        return self.keys[int(m.lastgroup[1:])], body[m.end():]


def _strip_decoration(text: str) -> str:
    return _DECOR_RE.sub("", text.strip(), count=1)


def match_field_name(text: str, fields: Sequence[FieldDef]) -> str | None:
    """Which field a heading/label text names, or None.

    Case and punctuation are ignored; leading emoji, bullets and numbering are
    skipped; the text must equal a title/synonym or start with one followed by
    ``:``, `` - ``, ``/``, ``(``, ``|``, ``,``, ``&``, ``?`` ... or the end
    (``Challenges / Roadblocks`` -> Challenges).  A trailing plural ``s`` or
    possessive ``'s`` is tolerated.  The longest matching name wins.
    """
    hit = _Matcher(fields).match(text or "")
    return hit[0] if hit else None


def _content_after_colon(rest: str) -> str:
    """Content written after the label in heading/strong text: after ':'."""
    idx = rest.find(":")
    if idx < 0 or idx > 80:
        return ""
    return rest[idx + 1:].strip()


_POSSESSIVE_RE = re.compile(r"^['\u2019]s\b")
_DASH_SEP_RE = re.compile(r"^(?:-\s+|[\u2013\u2014]\s*)(.*)$", re.S)
_LABEL_TAIL_SEP_RE = re.compile(r"^(?::|-|\u2013|\u2014|\|)")
_LABEL_TAIL_STRIP_RE = re.compile(r"^(?::|-|\u2013|\u2014|\|)+\s*")
_PLAIN_CONT_RE = re.compile(r"^\s*(?:\([^()]*\)|/[^:]{0,40}|\[[^\]]*\])\s*[:.?]?\s*$")


def _plain_label(matcher: _Matcher, text: str) -> tuple[str, str] | None:
    """Plain ``Name: value`` / ``Name - value`` / ``Name`` line -> (key, value)."""
    hit = matcher.match(text)
    if not hit:
        return None
    key, rest = hit
    r = rest.strip()
    if not r or not _HAS_WORD_RE.search(r) and ":" not in r:
        return key, ""
    if r[0] in "'\u2019":
        r = _POSSESSIVE_RE.sub("", r).strip()
        if not r:
            return key, ""
    if r.startswith(":"):
        return key, r[1:].strip()
    m = _DASH_SEP_RE.match(r)
    if m:
        return key, m.group(1).strip()
    if r[0] in "(/[|&,":
        idx = r.find(":")
        if 0 <= idx <= 80:
            return key, r[idx + 1:].strip()
        if _PLAIN_CONT_RE.match(r):
            return key, ""
        if r[0] == "|":
            return key, r[1:].strip()
    return None


# --------------------------------------------------------------------------
# units


@dataclass
class _Heading:
    level: int
    text: str
    key: str | None
    rest: str


@dataclass
class _Line:
    text: str
    key: str | None = None  # field named by this line's label, if any
    rank: int = 0
    rest: str = ""  # content after the label
    depth: int = 0  # list nesting depth (0 = not in a list)
    item: bool = False  # first line of a list item
    checkbox: str | None = None  # ' ', 'x', '~' when the line is a task item
    quick_action: bool = False
    table_header: bool = False
    bulk: bool = False  # several plain lines read by the line reader


def _classify_line(
    matcher: _Matcher,
    text: str,
    strong_text: str | None,
    after_strong: str,
    *,
    depth: int = 0,
    item: bool = False,
) -> _Line:
    """Build a line unit; detect checkbox, quick action and field label.

    Units are never mutated after creation, so identical lines share one."""
    ck = (text, strong_text, after_strong, depth, item)
    got = matcher.line_cache.get(ck)
    if got is None:
        got = matcher.line_cache[ck] = _classify_line_uncached(matcher, text, strong_text, after_strong, depth, item)
    return got


def _classify_line_uncached(
    matcher: _Matcher, text: str, strong_text: str | None, after_strong: str, depth: int, item: bool
) -> _Line:
    text = text.strip()
    line = _Line(text=text, depth=depth, item=item)
    first = text[:1]
    if first == "[":
        cb = _CHECKBOX_RE.match(text)
        if cb:
            line.checkbox = cb.group(1).lower()
            line.text = text[cb.end():].strip()
            return line
    elif first == "/":
        qa = _QUICK_ACTION_RE.match(text)
        if qa and qa.group(1).lower() in QUICK_ACTION_COMMANDS:
            line.quick_action = True
            return line
    if strong_text is not None:
        hit = matcher.match(strong_text)
        if hit:
            key, rest = hit
            inner = _content_after_colon(rest)
            tail = after_strong.strip()
            ok = False
            if not tail:
                ok = True
            elif _LABEL_TAIL_SEP_RE.match(tail):
                ok = True
                tail = _LABEL_TAIL_STRIP_RE.sub("", tail)
            elif rest.rstrip().endswith(":") or inner:
                ok = True
            if ok:
                line.key, line.rank = key, _RANK_BOLD
                line.rest = " ".join(p for p in (inner, tail) if p)
                return line
    hit2 = _plain_label(matcher, text)
    if hit2:
        line.key, line.rank, line.rest = hit2[0], _RANK_PLAIN, hit2[1]
    return line


def _cell_row(matcher: _Matcher, cells: list[str], *, header: bool) -> _Line:
    cells = [c.strip() for c in cells]
    text = " | ".join(c for c in cells if c)
    line = _Line(text=text, table_header=header)
    if cells:
        hit = matcher.match(cells[0])
        if hit:
            line.key, line.rank = hit[0], _RANK_BOLD
            inner = _content_after_colon(hit[1])
            line.rest = " | ".join(c for c in ([inner] if inner else []) + [c for c in cells[1:] if c])
    return line


# ---- markdown-it path ------------------------------------------------------

_MD = MarkdownIt("commonmark", {"html": True, "maxNesting": 20}).enable("table")


def _render_inline(children) -> list[tuple[str, str | None, str]]:
    """Render inline tokens to lines: (text, leading-strong text or None,
    text after the leading strong)."""
    lines: list[tuple[str, str | None, str]] = []
    buf: list[str] = []
    strong_start: int | None = None  # offset where a leading strong began
    strong_text: str | None = None
    strong_end = 0
    depth_strong = 0
    link_href: list[tuple[str | None, int]] = []

    def cur_len() -> int:
        return sum(len(b) for b in buf)

    def flush():
        nonlocal buf, strong_start, strong_text, strong_end, depth_strong
        text = "".join(buf)
        after = text[strong_end:] if strong_text is not None else ""
        lines.append((text, strong_text, after))
        buf = []
        strong_start = None
        strong_text = None
        strong_end = 0
        depth_strong = 0

    for tok in children or ():
        t = tok.type
        if t == "text" or t == "text_special":
            buf.append(tok.content)
        elif t in ("softbreak", "hardbreak"):
            flush()
        elif t == "code_inline":
            buf.append(tok.content)
        elif t in ("strong_open", "em_open"):
            if depth_strong == 0 and strong_text is None and strong_start is None:
                so_far = "".join(buf)
                if not _HAS_WORD_RE.search(so_far):
                    strong_start = len(so_far)
            depth_strong += 1
        elif t in ("strong_close", "em_close"):
            depth_strong = max(0, depth_strong - 1)
            if depth_strong == 0 and strong_start is not None and strong_text is None:
                so_far = "".join(buf)
                strong_text = so_far[strong_start:]
                strong_end = len(so_far)
        elif t == "link_open":
            href = tok.attrs.get("href") if tok.attrs else None
            link_href.append((str(href) if href else None, cur_len()))
        elif t == "link_close":
            if link_href:
                href, start = link_href.pop()
                label = "".join(buf)[start:]
                if href and label.strip() != href and not href.startswith("mailto:" + label.strip()):
                    buf.append(f" ({href})")
        elif t == "image":
            alt = tok.content or ""
            src = str(tok.attrs.get("src", "")) if tok.attrs else ""
            buf.append(f"{alt} ({src})" if alt and src else (alt or src))
        elif t == "html_inline":
            content = tok.content or ""
            m = _TAG_RE.fullmatch(content.strip())
            if m and m.group(1).lower() in _HTML_TAGS:
                if m.group(1).lower() in _LINE_BREAK_TAGS and (m.group(1).lower() == "br" or content.startswith("</")):
                    flush()
                # other known tags: markup only
            elif content.startswith("<!--"):
                pass
            else:
                buf.append(content)
        else:
            if tok.content:
                buf.append(tok.content)
    flush()
    return lines


def _html_block_lines(content: str) -> list[tuple[str, bool]]:
    """Text lines of an HTML block: (text, is_table_row)."""
    out: list[tuple[str, bool]] = []
    row_cells: list[str] = []
    pos = 0
    text = content
    cur: list[str] = []
    in_row = False

    def end_line():
        nonlocal cur
        s = "".join(cur)
        cur = []
        for ln in s.split("\n"):
            if ln.strip():
                out.append((_unescape(ln).strip(), False))

    for m in _TAG_RE.finditer(text):
        cur.append(text[pos:m.start()])
        pos = m.end()
        name = m.group(1).lower()
        closing = m.group(0).startswith("</")
        if name not in _HTML_TAGS:
            cur.append(m.group(0))
            continue
        if name in _CELL_TAGS:
            if closing:
                row_cells.append(_unescape("".join(cur)).strip())
                cur = []
            else:
                if not in_row:
                    end_line()
                in_row = True
            continue
        if name == "tr":
            if closing and row_cells:
                out.append((" | ".join(row_cells), True))
                row_cells = []
                in_row = False
            elif not closing:
                end_line()
                row_cells = []
                in_row = True
            continue
        if name in _LINE_BREAK_TAGS and not in_row:
            end_line()
    cur.append(text[pos:])
    if row_cells:
        out.append((" | ".join(row_cells), True))
    end_line()
    return out


def _unescape(s: str) -> str:
    try:
        return html.unescape(s)
    except Exception:  # pragma: no cover - defensive
        return s


def _md_units(segment: str, matcher: _Matcher) -> list:
    tokens = _MD.parse(segment)
    units: list = []
    depth = 0
    item_pending: list[bool] = []
    heading_level: int | None = None
    heading_setext = False
    in_cell = False
    row_cells: list[str] = []
    row_is_header = False
    header_rows: list[list[str]] = []
    column_keys: list[str | None] | None = None
    in_thead = False

    for tok in tokens:
        t = tok.type
        if t in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif t in ("bullet_list_close", "ordered_list_close"):
            depth = max(0, depth - 1)
        elif t == "list_item_open":
            item_pending.append(True)
        elif t == "list_item_close":
            if item_pending:
                item_pending.pop()
        elif t == "heading_open":
            heading_level = int(tok.tag[1]) if tok.tag[1:].isdigit() else 1
            heading_setext = tok.markup in ("=", "-")
        elif t == "heading_close":
            heading_level = None
        elif t == "table_open":
            column_keys = None
            header_rows = []
        elif t == "thead_open":
            in_thead = True
        elif t == "thead_close":
            in_thead = False
            # a header row naming several fields turns the table into columns
            if header_rows:
                keys = [_match_key(matcher, c) for c in header_rows[0]]
                if sum(1 for k in keys if k) >= 2:
                    column_keys = keys
                    for k in keys:
                        if k:  # the header names the field even with no body rows
                            units.append(_Line(text="", key=k, rank=_RANK_BOLD))
                else:
                    units.append(_cell_row(matcher, header_rows[0], header=True))
        elif t == "tr_open":
            row_cells = []
            row_is_header = in_thead
        elif t == "tr_close":
            if row_is_header:
                header_rows.append(row_cells)
            elif column_keys is not None:
                for k, cell in zip(column_keys, row_cells):
                    if k:
                        units.append(_Line(text=cell.strip(), key=k, rank=_RANK_BOLD, rest=cell.strip()))
                    elif cell.strip():
                        units.append(_Line(text=cell.strip()))
            else:
                units.append(_cell_row(matcher, row_cells, header=False))
        elif t in ("th_open", "td_open"):
            in_cell = True
        elif t in ("th_close", "td_close"):
            in_cell = False
        elif t == "table_close":
            column_keys = None
        elif t == "inline":
            rendered = _render_inline(tok.children)
            if in_cell:
                row_cells.append(" ".join(r[0].strip() for r in rendered if r[0].strip()))
                continue
            if heading_level is not None and not (heading_setext and len(rendered) > 1):
                text = " ".join(r[0].strip() for r in rendered).strip()
                hit = matcher.match(text)
                if hit:
                    units.append(_Heading(heading_level, text, hit[0], _content_after_colon(hit[1])))
                else:
                    units.append(_Heading(heading_level, text, None, ""))
                continue
            first = bool(item_pending and item_pending[-1])
            if item_pending:
                item_pending[-1] = False
            for i, (text, strong, after) in enumerate(rendered):
                units.append(
                    _classify_line(matcher, text, strong, after, depth=depth, item=first and i == 0)
                )
        elif t in ("fence", "code_block"):
            if item_pending:
                item_pending[-1] = False
            for ln in (tok.content or "").split("\n"):
                if ln.strip():
                    units.append(_Line(text=ln.rstrip(), depth=depth))
        elif t == "html_block":
            if item_pending:
                item_pending[-1] = False
            for text, is_row in _html_block_lines(tok.content or ""):
                if is_row:
                    units.append(_cell_row(matcher, text.split(" | "), header=False))
                else:
                    units.append(_classify_line(matcher, text, None, "", depth=depth))
    return units


def _match_key(matcher: _Matcher, text: str) -> str | None:
    hit = matcher.match(text)
    return hit[0] if hit else None


# ---- line-reader path (performance guard) ----------------------------------


def _fast_inline(text: str) -> list[tuple[str, str | None, str]]:
    """Cheap inline rendering for the line reader."""
    if not _INLINE_SPECIAL_RE.search(text):
        return [(text, None, "")]
    out = []
    for part in _BR_SPLIT_RE.split(text):
        part = _BACKSLASH_ESC_RE.sub(r"\1", part)
        strong = None
        after = ""
        m = _FAST_STRONG_RE.match(part)
        if m and not _HAS_WORD_RE.search(m.group(1)):
            strong = _clean_fast(m.group(3))
            after = _clean_fast(m.group(4))
            txt = _clean_fast(m.group(1)) + strong + after
        else:
            txt = _clean_fast(part)
        out.append((txt, strong, after))
    return out


_INLINE_SPECIAL_RE = re.compile(r"[*_<\\&`\]]")
_MD_LINK_RE = re.compile(r"!?\[([^\[\]\n]{0,200})\]\(\s*<?([^()\s<>]{0,500})>?(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK_RE = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]{1,500})>")
_CODE_SPAN_RE = re.compile(r"`([^`\n]{1,500})`")
_BULK_MIN_LINES = 64
_PIPE_SPLIT_RE = re.compile(r"(?<!\\)\|")


def _drop_known_tag(m: re.Match[str]) -> str:
    return "" if m.group(1).lower() in _HTML_TAGS else m.group(0)


def _clean_fast(s: str) -> str:
    s = _EMPH_MARK_RE.sub("", s)
    if "](" in s:
        s = _MD_LINK_RE.sub(lambda m: m.group(1) + (f" ({m.group(2)})" if m.group(2) and m.group(2) != m.group(1) else ""), s)
    if "<" in s and "://" in s:
        s = _AUTOLINK_RE.sub(r"\1", s)
    if "`" in s:
        s = _CODE_SPAN_RE.sub(r"\1", s)
    if s.endswith("\\"):
        s = s[:-1]
    if "<" in s:
        s = _TAG_RE.sub(_drop_known_tag, s)
    if "&" in s:
        s = _unescape(s)
    return s


def _fast_units(segment: str, matcher: _Matcher) -> list:
    """The line reader: same unit shapes as :func:`_md_units`, cheaper.

    Lines that cannot be a marker, list item, table row, quick action, fence
    or setext underline are collected into runs and handled in bulk.
    """
    units: list = []
    lines = segment.split("\n")
    n = len(lines)
    fence: tuple[str, int] | None = None
    run: list[str] = []
    interesting = _INTERESTING_RE.match
    candidate = matcher.first_word_re.match
    columns: list[str | None] | None = None  # a table whose header names fields
    prev_table_row = False

    def flush_run() -> None:
        if len(run) > _BULK_MIN_LINES:
            units.append(_Line(text="\n".join(run), bulk=True))
        else:
            units.extend(_Line(text=_fast_inline(ln)[0][0].strip()) for ln in run)
        run.clear()

    i = 0
    while i < n:
        raw = lines[i]
        i += 1
        was_table_row, prev_table_row = prev_table_row, False
        if fence is not None:
            m = _FENCE_RE.match(raw)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= fence[1] and not m.group(2).strip():
                fence = None
            else:
                run.append(raw.rstrip())
            continue
        if not raw.strip():
            continue
        nxt = lines[i] if i < n else ""
        setext_next = bool(nxt) and nxt.lstrip()[:1] in ("=", "-") and _SETEXT_RE.match(nxt) is not None
        if not setext_next and not interesting(raw) and not candidate(raw) and "<br" not in raw:
            run.append(_QUOTE_RE.sub("", raw).strip() if ">" in raw else raw.strip())
            continue
        flush_run()
        m = _FENCE_RE.match(raw)
        if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            fence = (m.group(1)[0], len(m.group(1)))
            continue
        line = _QUOTE_RE.sub("", raw)
        if not line.strip():
            continue
        h = _ATX_RE.match(line)
        if h:
            text = _fast_inline(h.group(2) or "")[0][0].strip()
            hit = matcher.match(text)
            units.append(_Heading(len(h.group(1)), text, hit[0] if hit else None, _content_after_colon(hit[1]) if hit else ""))
            continue
        if setext_next and not _LIST_RE.match(line) and "|" not in line:
            level = 1 if nxt.strip().startswith("=") else 2
            i += 1
            text = _fast_inline(line)[0][0].strip()
            hit = matcher.match(text)
            units.append(_Heading(level, text, hit[0] if hit else None, _content_after_colon(hit[1]) if hit else ""))
            continue
        if _SETEXT_RE.match(line):
            continue  # a thematic break / stray underline
        stripped = line.strip()
        if stripped.startswith("|"):
            if _TABLE_DELIM_RE.match(stripped):
                prev_table_row = was_table_row
                continue
            cells = [_fast_inline(c)[0][0].strip() for c in _PIPE_SPLIT_RE.split(stripped.strip("|"))]
            is_header = _TABLE_DELIM_RE.match(nxt.strip()) is not None and "-" in nxt
            if is_header:
                keys = [_match_key(matcher, c) for c in cells]
                columns = keys if sum(1 for k in keys if k) >= 2 else None
                if columns:
                    units.extend(_Line(text="", key=k, rank=_RANK_BOLD) for k in keys if k)
                    prev_table_row = True
                    continue
            elif columns and not was_table_row:
                columns = None
            if columns:
                for k, cell in zip(columns, cells):
                    if k:
                        units.append(_Line(text=cell, key=k, rank=_RANK_BOLD, rest=cell))
                    elif cell:
                        units.append(_Line(text=cell))
            else:
                units.append(_cell_row(matcher, cells, header=is_header))
            prev_table_row = True
            continue
        lm = _LIST_RE.match(line)
        depth = 0
        item = False
        if lm:
            depth = len(lm.group(1).expandtabs(4)) // 2 + 1
            item = True
            line = lm.group(2) or ""
            if not line.strip():
                continue
        for j, (text, strong, after) in enumerate(_fast_inline(line.strip())):
            units.append(_classify_line(matcher, text, strong, after, depth=depth, item=item and j == 0))
    flush_run()
    return units


# lines the line reader must look at one by one
_INTERESTING_RE = re.compile(r"[ \t>]*(?:[#|/\[<*_+`~=]|-(?:\s|-|$)|\d{1,9}[.)](?:\s|$)|:)")


# ---- segmenting --------------------------------------------------------------


def _strip_comments(text: str) -> str:
    out: list[str] = []
    pos = 0
    while True:
        start = text.find("<!--", pos)
        if start < 0:
            out.append(text[pos:])
            break
        out.append(text[pos:start])
        end = text.find("-->", start + 4)
        if end < 0:
            break
        pos = end + 3
    return "".join(out)


def _segments(text: str) -> list[str]:
    """Split at blank lines outside fenced code."""
    segs: list[str] = []
    cur: list[str] = []
    fence: tuple[str, int] | None = None
    for line in text.split("\n"):
        m = _FENCE_RE.match(line) if "`" in line or "~" in line else None
        if fence is not None:
            cur.append(line)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= fence[1] and not m.group(2).strip():
                fence = None
            continue
        if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            fence = (m.group(1)[0], len(m.group(1)))
            cur.append(line)
            continue
        if not line.strip():
            if cur:
                segs.append("\n".join(cur))
                cur = []
            continue
        cur.append(line)
    if cur:
        segs.append("\n".join(cur))
    return segs


_MAYBE_HEADING_RE = re.compile(r"(?m)^[ \t>]*(?:#{1,6}(?:[ \t]|$)|[=-]{2,}[ \t]*$|\|)")


def _cost(seg: str) -> int:
    """Rough markdown-it-py cost of a segment (~microseconds on a slow CPU).

    Brackets (link labels), table pipes, line starts and emphasis/HTML
    delimiters are what make markdown-it-py slow, so they weigh more.
    """
    return (
        2 * len(seg)
        + 12 * seg.count("\n")
        + 24 * seg.count("[")
        + 12 * seg.count("|")
        + 5 * (seg.count("*") + seg.count("_") + seg.count("<") + seg.count("&") + seg.count("`"))
        + 100
    )


def _normalise(description) -> str:
    description = as_text(description)
    if len(description) > _MAX_INPUT:
        description = description[:_MAX_INPUT]
    text = description.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\x00", "\ufffd")
    # lone surrogates cannot be encoded; replace them
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", errors="replace").decode("utf-8", errors="replace")
    return text


def _units_for(text: str, matcher: _Matcher) -> list:
    segs = _segments(text)
    total = sum(_cost(s) for s in segs)
    use_md: list[bool]
    if total <= _MD_BUDGET:
        use_md = [True] * len(segs)
    else:
        use_md = [False] * len(segs)
        budget = _MD_BUDGET
        seen: set[str] = set()
        # segments that may hold a marker first, then small content segments
        maybe = [bool(_MAYBE_HEADING_RE.search(s) or matcher.first_word_re.search(s)) for s in segs]
        for want in (True, False):
            for idx, seg in enumerate(segs):
                if maybe[idx] != want or use_md[idx]:
                    continue
                if seg in seen:
                    use_md[idx] = True
                    continue
                c = _cost(seg)
                if c <= budget and (want or c <= _SMALL_SEGMENT):
                    budget -= c
                    use_md[idx] = True
                    seen.add(seg)
    cache: dict[str, list] = {}
    units: list = []
    for seg, md in zip(segs, use_md):
        ck = ("m" if md else "f") + seg
        got = cache.get(ck)
        if got is None:
            try:
                got = _md_units(seg, matcher) if md else _fast_units(seg, matcher)
            except Exception:
                try:
                    got = _fast_units(seg, matcher)
                except Exception:
                    got = []
            cache[ck] = got
        units.extend(got)
    return units


# --------------------------------------------------------------------------
# cleaning


_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def _norm_cmp(s: str) -> str:
    return " ".join(s.translate(_QUOTES).split()).casefold()


def _strip_wrapping(s: str) -> str:
    prev = None
    while prev != s:
        prev = s
        s = s.strip()
        s = s.rstrip(".:;,!?")
        if len(s) >= 2 and s[0] + s[-1] in ("[]", "()", "{}", '""', "''", "**", "__", "``", "<>"):
            s = s[1:-1]
    return s.strip()


def _box_key(text: str) -> str:
    return _norm_cmp(text).strip(" .:;,!?*_")


class _Placeholders:
    def __init__(self, placeholders: Iterable[str], template_boxes: Iterable[str] | None = None):
        # None: every unticked box is a template leftover; otherwise only these options are
        self.template_boxes = None if template_boxes is None else {_box_key(str(b)) for b in template_boxes}
        self.exact: set[str] = set()
        self.stripped: set[str] = set()
        for p in placeholders or ():
            if p is None:
                continue
            n = _norm_cmp(str(p))
            if not n:
                continue
            self.exact.add(n)
            st = _strip_wrapping(n)
            if st:
                self.stripped.add(st)
        self.max_len = max((len(p) for p in self.exact), default=0)
        self.cache: dict[str, tuple[bool, bool]] = {}

    def is_placeholder(self, text: str) -> bool:
        if len(text) > 2 * self.max_len + 90:
            return False  # far longer than any placeholder or <prompt>
        n = _norm_cmp(text)
        if not n:
            return True
        if n in self.exact:
            return True
        if n[0].isalnum() and n[-1].isalnum():
            return False  # nothing to strip, and not a <prompt>
        st = _strip_wrapping(n)
        if st and st in self.stripped:
            return True
        m = _ANGLE_PROMPT_RE.match(n)
        if m:
            inner = m.group(1).strip()
            first = re.match(r"/?([a-z][a-z0-9-]*)", inner)
            looks_tag = bool(first and first.group(1) in _HTML_TAGS and (len(inner) == len(first.group(0)) or inner[len(first.group(0))] in " />"))
            looks_link = "://" in inner or ("@" in inner and " " not in inner) or inner.startswith("www.")
            if not looks_tag and not looks_link:
                return True
        return False


def _line_value(text: str, ph: _Placeholders) -> tuple[bool, bool]:
    """(keep_in_text, is_real_content) for one content line."""
    got = ph.cache.get(text)
    if got is None:
        got = ph.cache[text] = _line_value_uncached(text, ph)
    return got


def _line_value_uncached(text: str, ph: _Placeholders) -> tuple[bool, bool]:
    t = text.strip()
    if not t or not _HAS_WORD_RE.search(t):
        return False, False
    if ph.is_placeholder(t):
        return False, False
    m = _SUBLABEL_RE.match(t)
    if m and "://" not in t[: m.end(1) + 3]:
        value = (m.group(2) or "").strip()
        if not value or not _HAS_WORD_RE.search(value):
            return True, False
        if ph.is_placeholder(value):
            return False, False
    return True, True


@dataclass
class _Acc:
    lines: list[str] = field(default_factory=list)
    real: bool = False
    size: int = 0
    truncated: bool = False


def _add_content(acc: _Acc, line: _Line, text: str, ph: _Placeholders, base_depth: int = 0) -> None:
    if line.quick_action:
        return
    if acc.size > FIELD_TEXT_MAX and acc.real:
        acc.truncated = True
        return
    if line.bulk:
        body = _clean_fast(text).strip("\n")
        if not body.strip():
            return
        acc.lines.append(body)
        acc.size += len(body) + 1
        if not acc.real:
            acc.real = any(_line_value(ln, ph)[1] for ln in body.split("\n"))
        return
    if line.checkbox is not None:
        if line.checkbox != "x" and (ph.template_boxes is None or _box_key(line.text) in ph.template_boxes):
            return  # an unticked option of the template itself
        keep, real = _line_value(line.text, ph)
        if not keep:
            return
        body = ("[x] " if line.checkbox == "x" else "[ ] ") + line.text
    else:
        keep, real = _line_value(text, ph)
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
    acc.real = acc.real or real


# --------------------------------------------------------------------------
# public entry point


def parse_request(
    description: str | None,
    fields: Sequence[FieldDef],
    placeholders: Sequence[str] = (),
    template_boxes: Sequence[str] | None = None,
) -> ParsedRequest:
    """Read the fields of an SA Activity request from an issue description.

    ``template_boxes``: the texts of the template's own checkbox options. An
    unticked box with one of these texts is a template leftover; an unticked box
    with any other text is a task the AE wrote (``- [ ] Send the reference
    architecture``) and counts as content. ``None``: every unticked box is a leftover.

    See the module docstring for the exact rules.  Never raises on odd input.
    """
    fields = tuple(f for f in (fields or ()) if isinstance(f, FieldDef))
    keys = [f.key for f in fields]
    try:
        return _parse(description, fields, placeholders, template_boxes)
    except Exception:  # pragma: no cover - last-resort safety net
        return ParsedRequest(fields={}, found=frozenset(), missing=tuple(dict.fromkeys(keys)), checked_boxes=())


def _parse(description, fields: Sequence[FieldDef], placeholders: Sequence[str],
           template_boxes: Sequence[str] | None = None) -> ParsedRequest:
    keys = list(dict.fromkeys(f.key for f in fields))
    matcher = _Matcher(fields)
    ph = _Placeholders(placeholders, template_boxes)
    text = _strip_comments(_normalise(description))
    units = _units_for(text, matcher)

    best: dict[str, int] = {}
    for u in units:
        if isinstance(u, _Heading):
            if u.key:
                best[u.key] = max(best.get(u.key, 0), _RANK_HEADING)
        elif u.key and u.checkbox is None and not u.quick_action:
            best[u.key] = max(best.get(u.key, 0), u.rank)

    accs: dict[str, _Acc] = {}
    checked: list[str] = []
    current: str | None = None
    current_level: int | None = None  # heading level that opened the field
    base_depth = 0  # list depth of the label that opened the field

    for u in units:
        if isinstance(u, _Heading):
            if u.key:
                current, current_level, base_depth = u.key, u.level, 0
                acc = accs.setdefault(u.key, _Acc())
                if u.rest:
                    _add_content(acc, _Line(text=u.rest), u.rest, ph)
            elif current is not None:
                if current_level is None or u.level <= current_level:
                    current, current_level = None, None
                else:
                    _add_content(accs[current], _Line(text=u.text), u.text, ph)
            continue
        line: _Line = u
        if line.checkbox == "x" and line.text.strip():
            checked.append(line.text.strip())
        if line.key and line.checkbox is None and not line.quick_action and best.get(line.key) == line.rank:
            current, current_level, base_depth = line.key, None, line.depth
            acc = accs.setdefault(line.key, _Acc())
            if line.rest:
                _add_content(acc, _Line(text=line.rest), line.rest, ph)
            continue
        if line.table_header:
            continue  # a header row that names no field is column titles, not content
        if current is not None:
            _add_content(accs[current], line, line.text, ph, base_depth)

    out_fields: dict[str, str] = {}
    missing: list[str] = []
    for key in keys:
        acc = accs.get(key)
        if acc is None:
            missing.append(key)
            continue
        body = "\n".join(acc.lines).strip("\n")
        if len(body) > FIELD_TEXT_MAX:
            cut = body[:FIELD_TEXT_MAX]
            body = (cut.rsplit("\n", 1)[0] if "\n" in cut else cut).rstrip() + "\n\u2026"
        elif acc.truncated:
            body += "\n\u2026"
        real = acc.real and not ph.is_placeholder(_WS_RE.sub(" ", body))
        out_fields[key] = body if real else ""
        if not real:
            missing.append(key)
    return ParsedRequest(
        fields=out_fields,
        found=frozenset(k for k in accs if k in keys),
        missing=tuple(missing),
        checked_boxes=tuple(checked),
    )
