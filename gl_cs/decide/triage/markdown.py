"""Markdown for the triage summary: tables whose cells stay inert, and a Mermaid chart.

Text copied from an issue (a title, a customer name) goes into a cell through
:func:`quoted`: an inline code span from :func:`gl_cs.text.safe.neutralize` (no quick
action, mention, reference or HTML), with every ``|`` escaped, because a GitLab (GFM)
table splits cells on ``|`` even inside a code span; an escaped ``\\|`` shows as ``|``.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from ...text.safe import neutralize

_USERNAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")


def cell(text: str) -> str:
    """Text gl-cs wrote itself (numbers, dates, its own words) as one table cell:
    one line, ``|`` escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def quoted(text: str | None, max_len: int = 70) -> str:
    """Issue text as an inert table cell ("-" when blank)."""
    return cell(neutralize(text, max_len=max_len)) or "-"


def person(username: str | None) -> str:
    """A username shown without notifying anyone (no ``@``)."""
    if not username or not _USERNAME.fullmatch(username):
        return quoted(username) if username else "-"
    return username


def ref(iid: int) -> str:
    return f"#{int(iid)}"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A GFM table; every cell is already made with :func:`cell`, :func:`quoted` or :func:`ref`."""
    lines = ["| " + " | ".join(cell(h) for h in headers) + " |",
             "|" + "|".join(" --- " for _ in headers) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def bar_chart(title: str, bars: Sequence[tuple[str, int]], limit: int | None = None) -> str:
    """A Mermaid ``xychart-beta`` bar chart (GitLab renders Mermaid in comments). Labels
    must be plain usernames (they are checked; anything else becomes ``?``); a line marks
    ``limit``."""
    names = [b[0] if _USERNAME.fullmatch(b[0] or "") else "?" for b in bars]
    values = [max(0, int(b[1])) for b in bars]
    top = max(values + [limit or 0, 1])
    lines = ["```mermaid", "xychart-beta", f'    title "{cell(title).replace(chr(34), "")}"',
             "    x-axis [" + ", ".join(f'"{n}"' for n in names) + "]",
             f'    y-axis "open requests" 0 --> {top + 1}',
             "    bar [" + ", ".join(str(v) for v in values) + "]"]
    if limit is not None:
        lines.append("    line [" + ", ".join(str(limit) for _ in values) + "]")
    lines.append("```")
    return "\n".join(lines)


def duration(days: float) -> str:
    """``3 d``, ``5 h``, ``40 min``."""
    if days >= 1:
        return f"{int(days)} d"
    hours = days * 24
    if hours >= 1:
        return f"{int(hours)} h"
    return f"{max(0, int(hours * 60))} min"
