"""Mermaid text gl-cs writes (gl_cs/text/mermaid.py): names from issues stay inert inside a
diagram; Mermaid's own parser checks the diagrams themselves (tests/test_insights_mermaid.py)."""

from __future__ import annotations

import pytest

from gl_cs.text.mermaid import label, pie, xychart


@pytest.mark.parametrize("text, expected", [
    ("ana.sa", "ana.sa"),
    ('x" ] ; click', "x_ _ _ click"),  # cannot close the quoted string or the list
    ("@all #quot; %%{init}%%", "_all _quot_ ___init___"),  # no mention, entity code or directive
    ("Müller & Söhne", "Müller _ Söhne"),
    ("line\nbreak", "line break"),
    ("", "_"),
    ("x" * 50, "x" * 39 + "…"),
])
def test_labels_keep_only_plain_text(text, expected):
    assert label(text) == expected


def test_an_xychart_has_its_axes_bars_and_lines():
    chart = xychart('Flow "weekly"', ["1 Oct", "5 Oct"], y_title="requests", bars=[3, 0.5], lines=[[2, 7]])
    assert chart.splitlines() == ["```mermaid", "xychart-beta", '    title "Flow _weekly_"',
                                  '    x-axis ["1 Oct", "5 Oct"]', '    y-axis "requests" 0 --> 8',
                                  "    bar [3, 0.5]", "    line [2, 7]", "```"]


def test_a_pie_leaves_out_empty_slices():
    assert pie("Open", [("SA Doing", 2), ("SA Waiting", 0)]).splitlines() == [
        "```mermaid", "pie title Open", '    "SA Doing" : 2', "```"]
