"""Markdown for the triage summary and the desk insights: tables whose cells stay inert,
and the load chart (Mermaid).

Text copied from an issue (a title, a customer name) goes into a cell through
:func:`quoted`: an inline code span from :func:`gl_cs.text.safe.neutralize` (no quick
action, mention, reference or HTML), with every ``|`` escaped, because a GitLab (GFM)
table splits cells on ``|`` even inside a code span; an escaped ``\\|`` shows as ``|``.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from ...text.mermaid import xychart
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


def load_chart(loads: Sequence[tuple[str, int]], capacity: int) -> str:
    """The load chart (the triage summary's and the desk insights' one): each SA's open
    SA Triaged + SA Doing requests as bars, ``capacity`` as a line. Usernames only (anything
    else shows as ``?``)."""
    names = [u if _USERNAME.fullmatch(u or "") else "?" for u, _ in loads]
    return xychart("Open requests per SA", names, y_title="open requests",
                   bars=[max(0, int(n)) for _, n in loads], lines=[[capacity] * len(loads)])


def duration(days: float) -> str:
    """``3 d``, ``5 h``, ``40 min``."""
    if days >= 1:
        return f"{int(days)} d"
    hours = days * 24
    if hours >= 1:
        return f"{int(hours)} h"
    return f"{max(0, int(hours * 60))} min"
