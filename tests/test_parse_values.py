"""Is a line an answer? gl_cs.parse.values.Judge, one named case per kind of line."""

from __future__ import annotations

import pytest

from gl_cs.config.model import DEFAULT_PLACEHOLDERS
from gl_cs.parse.values import Judge

JUDGE = Judge(DEFAULT_PLACEHOLDERS)

CASES = [
    # name, line, verdict
    ("plain_answer", "Acme Corp, 1,200 developers", "real"),
    ("tbd", "TBD", "placeholder"),
    ("tbd_dot", "tbd.", "placeholder"),
    ("tbc_with_qualifier", "TBC (need to check w/ champion)", "placeholder"),
    ("na_will_confirm", "n/a (will confirm)", "placeholder"),
    ("tbd_dash_waiting", "TBD - waiting on IT", "placeholder"),
    ("na_with_a_reason_is_an_answer", "N/A - SaaS only", "real"),
    ("tbd_in_a_sentence_is_an_answer", "About $250k, exact number TBD", "real"),
    ("em_dash", "\u2014", "placeholder"),
    ("question_marks", "???", "placeholder"),
    ("por_definir", "por definir", "placeholder"),
    ("a_definir", "à définir", "placeholder"),
    ("noch_offen", "noch offen", "placeholder"),
    ("mitei", "未定", "placeholder"),
    ("issue_form_no_response", "_No response_", "placeholder"),
    ("angle_prompt", "<customer name>", "placeholder"),
    ("angle_link_is_unsure", "<https://example.com>", "unsure"),
    ("bracket_prompts", "[Customer name] \u2013 [# developers]", "placeholder"),
    ("markdown_link_text_is_not_a_prompt", "[Acme](https://acme.example.com)", "real"),
    ("will_fill_in_after_the_call", "will fill in after the call", "deferred"),
    ("ill_update_once", "I'll update this once I hear back", "deferred"),
    ("to_follow", "to follow", "deferred"),
    ("details_to_follow", "Details to follow.", "deferred"),
    ("wird_nachgereicht", "wird nachgereicht", "deferred"),
    ("a_venir", "à venir", "deferred"),
    ("will_with_a_task_is_an_answer", "We will need a demo of merge trains", "real"),
    ("see_above", "see above", "unsure"),
    ("same_as_last_time", "Same as last time", "unsure"),
    ("see_issue", "see #1234", "unsure"),
    ("link_alone", "https://docs.google.com/document/d/1AbC/edit", "unsure"),
    ("siehe_oben", "siehe oben", "unsure"),
    ("see_above_plus_detail_is_an_answer", "see above, plus flaky runners", "real"),
    ("sub_label_without_value", "Customer name:", "none"),
    ("sub_label_placeholder", "Customer name: TBD", "placeholder"),
    ("sub_label_deferred", "Size: to follow", "deferred"),
]


@pytest.mark.parametrize("line, verdict", [pytest.param(l, v, id=n) for n, l, v in CASES])
def test_judge(line, verdict):
    assert JUDGE.judge(line)[1] == verdict


def test_placeholders_are_only_what_is_configured():
    bare = Judge(())
    assert bare.judge("TBD")[1] == "real"
    assert bare.judge("will fill in after the call")[1] == "deferred"  # prose deferrals are built in


# --- ParsedRequest.sources: the exact text each field was read from, to quote back to the AE

from gl_cs.config.model import DEFAULT_FIELDS  # noqa: E402
from gl_cs.parse.fields import FieldDef, parse_request  # noqa: E402

_FIELDS = [FieldDef(f.key, f.title, f.synonyms) for f in DEFAULT_FIELDS]

SOURCES = [
    ("heading_and_lines", "## Outcome\nfaster CI\n\n## Notes\nx\n", "outcome", "## Outcome\nfaster CI"),
    ("inline_part_only", "Customer: Acme / Dates: Nov 24 10am PT / Opp: $5k\n", "preferred_date_options",
     "Dates: Nov 24 10am PT"),
    ("crlf_is_quoted_without_cr", "## Outcome\r\nfaster\r\n", "outcome", "## Outcome\nfaster"),
    ("placeholder_is_quoted_too", "**Challenges:** TBC (need to check w/ champion)\n", "challenges",
     "**Challenges:** TBC (need to check w/ champion)"),
    ("table_row", "| Field | Answer | Owner |\n|---|---|---|\n| Outcome | faster | jim |\n", "outcome",
     "| Outcome | faster | jim |"),
    ("signoff_not_quoted", "## SA Tasks\nDemo\nThanks,\nJim\n", "sa_tasks", "## SA Tasks\nDemo"),
]


@pytest.mark.parametrize("description, key, source", [pytest.param(d, k, s, id=n) for n, d, k, s in SOURCES])
def test_sources_quote_what_was_read(description, key, source):
    r = parse_request(description, _FIELDS, DEFAULT_PLACEHOLDERS)
    assert r.sources[key] == source
    assert r.source(key) == source
