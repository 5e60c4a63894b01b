"""How values are laid out: the one reader that turns a description into units.

A *unit* is a heading (:class:`Heading`) or a line (:class:`Line`).  The reader
goes line by line, once, and recognises each layout AEs use (one recogniser
per shape, in :data:`LAYOUTS` order):

==============  =============================================================
fence           fenced code (content, never a marker)
heading         ATX ``## Outcome`` and setext (``Outcome`` over ``---``/``===``)
table           pipe tables: a row whose first cell names a field; a header
                row naming several fields (then each column is a field); a
                header naming value columns (``Field | Answer | Owner |
                Status``): only the value column is read
list            ``-``/``*``/``+``/``1.`` items, nested, task boxes ``[x]``
bold label      ``**Outcome**: ..``, ``**Outcome:** ..``, Slack ``*Outcome:*``
plain label     ``Outcome: ..``, ``Outcome - ..``, ``Outcome`` alone on a line
inline labels   several ``Label: value`` in one line, separated by `` / ``,
                ``;``, ``|``, ``. ``, ``•`` or two spaces (``Customer: Acme /
                Dates: Nov 24 / Opp: $50k``)
quote, HTML     ``>`` is stripped; ``<br>`` splits a line; known tags are markup
==============  =============================================================

Lines that cannot be any of these are read in bulk (a 1 MB description is one
pass of a few regular expressions).  Each unit keeps the raw line it came from,
so a caller can quote exactly what was read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text.quick_actions import ALL_COMMANDS
from .names import CACHE_LIMIT, Matcher, content_after_colon, first_word, first_words_of, plain_label
from .normalise import unescape
from .vocabulary import CHATTY_LINES, CLOSING_LINES

#: markers' strength
RANK_HEADING = 3
RANK_BOLD = 2
RANK_PLAIN = 1

#: the shapes this reader recognises, in the order it tries them (documentation
#: and the README's table; each has one function below)
LAYOUTS = ("fence", "heading", "table", "list", "bold label", "plain label", "inline labels", "quote/html")

#: A paragraph line ``/<command>`` with a command GitLab knows is a quick action, never
#: field content (the one list: gl_cs.text.quick_actions).
QUICK_ACTION_COMMANDS = ALL_COMMANDS

#: HTML element names: a tag with one of these names is markup (dropped); any
#: other ``<...>`` is kept as literal text (``<enter here>``).
HTML_TAGS = frozenset(
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

#: table header cells that name the column holding the answer
VALUE_COLUMNS = frozenset(
    "answer answers value values details detail response info information input ae input description "
    "content notes comment comments antwort wert réponse valeur respuesta valor resposta antwoord waarde "
    "risposta valore 回答 内容".split()
) | {"ae input", "your answer", "ae notes"}

_FENCE_RE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")
_ATX_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
# Jira / Confluence wiki headings pasted as they are: "h2. Customer Information"
_JIRA_H_RE = re.compile(r"^ {0,3}h([1-6])\.[ \t]+(.*?)[ \t]*$")
_SETEXT_RE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_LIST_RE = re.compile(r"^([ \t]*)(?:[-*+\u2022]|\d{1,9}[.)])(?:[ \t]+(.*))?$")
_QUOTE_RE = re.compile(r"^[ \t]*(?:>[ \t]?)+")
_TABLE_DELIM_RE = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_CHECKBOX_RE = re.compile(r"^\[([ xX~])\](?:[ \t]+|$)")
_QUICK_ACTION_RE = re.compile(r"^/([A-Za-z_]+)(?=\s|$)")
TAG_RE = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)\b[^<>]*>")
_HAS_WORD_RE = re.compile(r"[^\W_]")
_BACKSLASH_ESC_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
_STRONG_RE = re.compile(r"^([^\w*_]{0,20}?)(\*\*|__|\*|_)(?=\S)(.{1,200}?)(?<=\S)\2(?!\2)(.*)$")
_EMPH_MARK_RE = re.compile(r"\*\*|(?<!\w)__|__(?!\w)")
_BR_SPLIT_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
_INLINE_SPECIAL_RE = re.compile(r"[*_<\\&`\]]")
_MD_LINK_RE = re.compile(r"!?\[([^\[\]\n]{0,200})\]\(\s*<?([^()\s<>]{0,500})>?(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK_RE = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]{1,500})>")
_CODE_SPAN_RE = re.compile(r"`([^`\n]{1,500})`")
_PIPE_SPLIT_RE = re.compile(r"(?<!\\)\|")
_LABEL_TAIL_SEP_RE = re.compile(r"^(?::|\uff1a|-|\u2013|\u2014|\|)")
_LABEL_TAIL_STRIP_RE = re.compile(r"^(?::|\uff1a|-|\u2013|\u2014|\|)+\s*")
# separators between inline labels: " / ", " | ", "; ", ". ", " • ", " - ", two spaces, a tab
_INLINE_SEP_RE = re.compile(r"(?:\s+[/|\u2022\u00b7\u2013\u2014-]\s+|[;.?]\s+|,\s+|\s{2,}|\t|\s+(?=[*_]))")
# lines the reader must look at one by one (the rest is read in bulk)
_INTERESTING_RE = re.compile(r"[ \t>]*(?:[#|/\[<*_+`~=\u2022]|h[1-6]\.\s|-(?:\s|-|$)|\d{1,9}[.)](?:\s|$)|:)")
_CLOSING_RE = re.compile(
    r"^[^\w]*(?:" + "|".join(re.escape(c) for c in sorted(CLOSING_LINES, key=len, reverse=True)) + r")"
    r"(?:\s+(?:mate|all|team|folks|everyone|guys|again|so\s+much|a\s+lot|heaps))?[!.]*"  # "cheers mate"
    r"(?:[\s,!.:;)-]*$|\s*[,\u2013-]\s*(?:@?[\w.@-]+\s*){1,3}(?:\([^()\n]{1,30}\))?[!.]*$)",  # "- Liam (Sydney)"
    re.IGNORECASE,
)
_CHATTY_RE = re.compile(
    r"^[^\w]*(?:" + "|".join(re.escape(c) + (r"(?!\w)" if c[-1].isalnum() else "")
                             for c in sorted(CHATTY_LINES, key=len, reverse=True)) + r")",
    re.IGNORECASE,
)
_BULK_MIN_LINES = 64
_ENDER_FIRST = first_words_of(CLOSING_LINES + CHATTY_LINES)


@dataclass
class Heading:
    level: int
    text: str
    key: str | None
    rest: str


@dataclass
class Line:
    text: str
    key: str | None = None  # field named by this line's label, if any
    rank: int = 0
    rest: str = ""  # content after the label
    depth: int = 0  # list nesting depth (0 = not in a list)
    item: bool = False  # first line of a list item
    checkbox: str | None = None  # ' ', 'x', '~' when the line is a task item
    quick_action: bool = False
    table_header: bool = False
    bulk: bool = False  # several plain lines read in bulk
    #: "section": a label naming no field but a part of its own ("Notes:");
    #: "closing": a sign-off or chatty line ("Thanks!", "Let me know if ...")
    ends: str | None = None


def classify_line(matcher: Matcher, text: str, strong_text: str | None, after_strong: str, *,
                  depth: int = 0, item: bool = False) -> Line:
    """A line unit: checkbox, quick action, field label (bold or plain), ender.

    Units are never mutated after creation, so identical lines share one."""
    ck = (text, strong_text, after_strong, depth, item)
    got = matcher.line_cache.get(ck)
    if got is None:
        if len(matcher.line_cache) >= CACHE_LIMIT:
            matcher.line_cache.clear()
        got = matcher.line_cache[ck] = _classify(matcher, text, strong_text, after_strong, depth, item)
    return got  # type: ignore[return-value]


SA_TASKS = "sa_tasks"
#: "SA:" followed by work, not by a person: what the AE needs from the SA
_SA_TASK_LINE = re.compile(
    r"(?i:(?:the\s+)?SA|for\s+the\s+SA)\s*[:\uff1a]\s*(?=(?:an?\s+|the\s+|some\s+|quick\s+)?(?i:demo|deep[\s-]*dive|"
    r"tech\w*|answer|help|present|walk|review|discover|poc\b|pov\b|workshop|architect|talk|show|explain|cover|"
    r"support|evaluat|migrat|whiteboard|q\s*&\s*a))")


def _classify(matcher: Matcher, text: str, strong_text: str | None, after_strong: str, depth: int,
              item: bool) -> Line:
    text = text.strip()
    line = Line(text=text, depth=depth, item=item)
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
        hit = matcher.match_label(strong_text)
        if hit:
            key, rest = hit
            inner = content_after_colon(rest)
            tail = after_strong.strip()
            ok = False
            if not tail:
                ok = True
            elif _LABEL_TAIL_SEP_RE.match(tail):
                ok = True
                tail = _LABEL_TAIL_STRIP_RE.sub("", tail)
            elif rest.rstrip().endswith((":", "\uff1a", "?")) or inner:
                ok = True
            if ok:
                line.key, line.rank = key, RANK_BOLD
                line.rest = " ".join(p for p in (inner, tail) if p)
                return line
    hit2 = plain_label(matcher, text)
    if hit2:
        line.key, line.rank, line.rest = hit2[0], RANK_PLAIN, hit2[1]
        return line
    task = _SA_TASK_LINE.match(text)
    if task and SA_TASKS in matcher.keys:  # "SA: demo of CI + the migration story" (not "SA: @ana.sa")
        line.key, line.rank, line.rest = SA_TASKS, RANK_PLAIN, text[task.end():].strip()
        return line
    if not depth:
        line.ends = ender(matcher, text)
    return line


def ender(matcher: Matcher, text: str) -> str | None:
    fw = first_word(text.lstrip(" \t*_>-#([\"'"))
    if not fw:
        return None
    if fw not in _ENDER_FIRST and fw not in matcher.section_first:
        return None
    if matcher.is_section_label(text):
        return "section"
    if len(text) < 200 and (_CLOSING_RE.match(text) or _CHATTY_RE.match(text)):
        return "closing"
    return None


def cell_row(matcher: Matcher, cells: list[str], *, header: bool, value_cols: list[int] | None = None) -> Line:
    cells = [c.strip() for c in cells]
    text = " | ".join(c for c in cells if c)
    line = Line(text=text, table_header=header)
    if cells:
        hit = matcher.match_label(cells[0])
        if hit:
            line.key, line.rank = hit[0], RANK_BOLD
            inner = content_after_colon(hit[1])
            others = [cells[i] for i in value_cols if i < len(cells)] if value_cols else cells[1:]
            line.rest = " | ".join(c for c in ([inner] if inner else []) + [c for c in others if c])
    return line


def _drop_known_tag(m: re.Match[str]) -> str:
    return "" if m.group(1).lower() in HTML_TAGS else m.group(0)


def clean_inline(s: str) -> str:
    """Markdown inline markup -> text: emphasis marks, links as ``text (url)``,
    code spans, known HTML tags, entities."""
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
        s = TAG_RE.sub(_drop_known_tag, s)
    if "&" in s:
        s = unescape(s)
    return s


def _inline(text: str) -> list[tuple[str, str | None, str]]:
    """A line's inline content: [(text, leading strong text or None, text after it)],
    one entry per ``<br>``-separated part."""
    if not _INLINE_SPECIAL_RE.search(text):
        return [(text, None, "")]
    out = []
    for part in _BR_SPLIT_RE.split(text):
        part = _BACKSLASH_ESC_RE.sub(r"\1", part)
        strong = None
        after = ""
        m = _STRONG_RE.match(part)
        if m and not _HAS_WORD_RE.search(m.group(1)):
            strong = clean_inline(m.group(3))
            after = clean_inline(m.group(4))
            txt = clean_inline(m.group(1)) + strong + after
        else:
            txt = clean_inline(part)
        out.append((txt, strong, after))
    return out


def split_inline_labels(matcher: Matcher, line: str) -> list[str]:
    """``Customer: Acme / Dates: Nov 24 / Opp: $50k`` -> one part per label.

    Only splits before a field name followed by a colon that comes after a
    separator, and only when the line itself starts with a field label."""
    rx = matcher.inline_regex
    if rx is None or (":" not in line and "?" not in line and "\uff1a" not in line):
        return [line]
    if line.count(":") + line.count("\uff1a") + line.count("?") < 2 or len(line) > 4000:
        return [line]
    lead = len(line) - len(strip_lead(line))
    first = rx.match(line, lead)
    if not first:
        return [line]
    cuts = []
    for m in _INLINE_SEP_RE.finditer(line, first.end()):
        pos = m.end()
        if pos < len(line) and rx.match(line, pos) and not line[max(0, m.start() - 8):m.start()].endswith(("http", "https")):
            cuts.append((m.start(), pos))
    if not cuts:
        return [line]
    parts, prev = [], 0
    for start, end in cuts:
        parts.append(line[prev:start])
        prev = end
    parts.append(line[prev:])
    return [p for p in parts if p.strip()]


def strip_lead(line: str) -> str:
    s = line.lstrip(" \t>-*+\u2022")
    return s


@dataclass
class _Columns:
    keys: list[str | None] | None = None  # a table whose header names fields
    values: list[int] | None = None  # a table whose header names a value column


def _header_cell(matcher: Matcher, cell: str) -> str | None:
    """The field a table's header cell names: the whole cell is a label by its place, so
    its first words are enough ("Outcome they want", "Challenges today")."""
    hit = matcher.match(cell)
    if hit:
        return hit[0]
    words = cell.split()
    if 1 < len(words) <= 5:
        for n in (2, 1):
            hit = matcher.match(" ".join(words[:n]))
            if hit:
                return hit[0]
    return None


def _header_columns(matcher: Matcher, cells: list[str]) -> _Columns:
    keys = [_header_cell(matcher, c) for c in cells]
    if sum(1 for k in keys if k) >= 2:
        return _Columns(keys=keys)
    if len(cells) > 2:
        names = [" ".join(c.casefold().split()).strip(" :*_") for c in cells]
        vals = [i for i, n in enumerate(names) if i > 0 and n in VALUE_COLUMNS]
        if vals:
            return _Columns(values=vals[:1])
    return _Columns()


def read_units(segment: str, matcher: Matcher) -> list[tuple[object, str]]:
    """The reader: ``[(unit, raw line)]`` for one blank-line separated segment."""
    units: list[tuple[object, str]] = []
    lines = segment.split("\n")
    n = len(lines)
    fence: tuple[str, int] | None = None
    run: list[str] = []
    raw_run: list[str] = []
    interesting = _INTERESTING_RE.match
    candidate = matcher.could_name
    cols = _Columns()
    prev_table_row = False

    def flush_run() -> None:
        if len(run) > _BULK_MIN_LINES:
            units.append((Line(text="\n".join(run), bulk=True), "\n".join(raw_run)))
        else:
            for ln, raw_ln in zip(run, raw_run):
                text = _inline(ln)[0][0].strip()
                units.append((Line(text=text, ends=ender(matcher, text)), raw_ln))
        run.clear()
        raw_run.clear()

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
                raw_run.append(raw)
            continue
        if not raw.strip():
            continue
        nxt = lines[i] if i < n else ""
        setext_next = bool(nxt) and nxt.lstrip()[:1] in ("=", "-") and _SETEXT_RE.match(nxt) is not None
        if not setext_next and not interesting(raw) and not candidate(raw) and "<br" not in raw:
            run.append(_QUOTE_RE.sub("", raw).strip() if ">" in raw else raw.strip())
            raw_run.append(raw)
            continue
        flush_run()
        m = _FENCE_RE.match(raw)
        if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            fence = (m.group(1)[0], len(m.group(1)))
            continue
        line = _QUOTE_RE.sub("", raw) if ">" in raw else raw
        if not line.strip():
            continue
        h = _ATX_RE.match(line)
        jira = None if h else _JIRA_H_RE.match(line)
        if h or jira:
            level = len(h.group(1)) if h else int(jira.group(1))  # type: ignore[union-attr]
            text = _inline((h or jira).group(2) or "")[0][0].strip()  # type: ignore[union-attr]
            hit = matcher.match_label(text)
            units.append((Heading(level, text, hit[0] if hit else None,
                                  content_after_colon(hit[1]) if hit else ""), raw))
            continue
        if setext_next and not _LIST_RE.match(line) and "|" not in line:
            level = 1 if nxt.strip().startswith("=") else 2
            i += 1
            text = _inline(line)[0][0].strip()
            hit = matcher.match_label(text)
            units.append((Heading(level, text, hit[0] if hit else None,
                                  content_after_colon(hit[1]) if hit else ""), raw + "\n" + nxt))
            continue
        if _SETEXT_RE.match(line):
            continue  # a thematic break / stray underline
        stripped = line.strip()
        if stripped.startswith("|"):
            if _TABLE_DELIM_RE.match(stripped):
                prev_table_row = was_table_row
                continue
            cells = [_inline(c)[0][0].strip() for c in _PIPE_SPLIT_RE.split(stripped.strip("|"))]
            is_header = _TABLE_DELIM_RE.match(nxt.strip()) is not None and "-" in nxt
            if is_header:
                cols = _header_columns(matcher, cells)
                if cols.keys:
                    units.extend((Line(text="", key=k, rank=RANK_BOLD), raw) for k in cols.keys if k)
                    prev_table_row = True
                    continue
                if cols.values:
                    units.append((Line(text="", table_header=True), raw))
                    prev_table_row = True
                    continue
            elif (cols.keys or cols.values) and not was_table_row:
                cols = _Columns()
            if cols.keys:
                for k, cell in zip(cols.keys, cells):
                    if k:
                        units.append((Line(text=cell, key=k, rank=RANK_BOLD, rest=cell), raw))
                    elif cell:  # a column no field heads: its own text, never the column before's
                        units.append((Line(text=cell, ends="section"), raw))
            else:
                row = cell_row(matcher, cells, header=is_header, value_cols=cols.values)
                if cols.values and not row.key:
                    row = Line(text=" | ".join(cells[j] for j in cols.values if j < len(cells) and cells[j]))
                units.append((row, raw))
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
        parts = split_inline_labels(matcher, line.strip())
        for part_no, part in enumerate(parts):
            src = raw if len(parts) == 1 else part.strip()  # quote only this label's part
            for j, (text, strong, after) in enumerate(_inline(part.strip())):
                units.append((classify_line(matcher, text, strong, after, depth=depth,
                                            item=item and j == 0 and part_no == 0), src))
    flush_run()
    return units


def segments(text: str) -> list[str]:
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


def units_for(text: str, matcher: Matcher) -> list[tuple[object, str]]:
    """All units of a normalised description; identical segments are read once."""
    cache: dict[str, list] = {}
    units: list[tuple[object, str]] = []
    for seg in segments(text):
        got = cache.get(seg)
        if got is None:
            got = cache[seg] = read_units(seg, matcher)
        units.extend(got)
    return units
