"""Mermaid diagrams GitLab renders in issues and comments (a ```` ```mermaid ```` block).

Only the diagram types Mermaid's own parser accepts are written here: ``xychart-beta``
(bars and lines; Mermaid 10.6 and later) and ``pie``. Every text in a diagram (a title, an
axis label, a slice name) goes through :func:`label`, so a name from an issue can neither
end its quoted string, start a directive or an entity code, nor mention anyone: only
letters, digits, spaces and ``. , : ( ) / + ? -`` stay, anything else becomes ``_``, and it
is cut to 40 characters. Numbers are written as plain decimals.
"""

from __future__ import annotations

import re
from typing import Sequence

_UNSAFE = re.compile(r"[^\w .,:()/+?\-]")


def label(text: object, max_len: int = 40) -> str:
    """A text safe inside a Mermaid quoted string (see the module docstring)."""
    out = _UNSAFE.sub("_", " ".join(str(text or "").split()))
    if len(out) > max_len:
        out = out[:max_len - 1] + "…"
    return out or "_"


def number(value: float) -> str:
    value = float(value)
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def block(lines: Sequence[str]) -> str:
    return "\n".join(["```mermaid", *lines, "```"])


def xychart(title: str, x_labels: Sequence[str], *, y_title: str, bars: Sequence[float] = (),
            lines: Sequence[Sequence[float]] = ()) -> str:
    """A bar and/or line chart over the categories ``x_labels`` (one value each); the y axis
    runs from 0 to one above the highest value."""
    top = max([1.0, *[float(v) for v in bars], *[float(v) for series in lines for v in series]])
    out = ["xychart-beta", f'    title "{label(title, 80)}"',
           "    x-axis [" + ", ".join(f'"{label(x)}"' for x in x_labels) + "]",
           f'    y-axis "{label(y_title)}" 0 --> {number(int(top) + 1)}']
    if bars:
        out.append("    bar [" + ", ".join(number(max(0.0, float(v))) for v in bars) + "]")
    for series in lines:
        out.append("    line [" + ", ".join(number(max(0.0, float(v))) for v in series) + "]")
    return block(out)


def pie(title: str, slices: Sequence[tuple[str, float]]) -> str:
    """A pie chart of the slices with a value above 0 (Mermaid draws nothing for 0)."""
    out = [f"pie title {label(title, 80)}"]
    out += [f'    "{label(name)}" : {number(value)}' for name, value in slices if value > 0]
    return block(out)
