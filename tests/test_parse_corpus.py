"""The reading corpus (tests/corpus/reading.py): every case read as the engine reads it.

Fields with the shipped rules.yml (its fields, placeholders, template boxes),
dates from Preferred Date Options with the team's zone; each case's missing set,
unsure set, event time and decision.  Pure functions: no HTTP.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.model import NOW, PD, TEAM_TZ, decision_of
from corpus.reading import CASES
from gl_cs.config import load_config
from gl_cs.parse.dates import find_dates
from gl_cs.parse.fields import FieldDef, parse_request

CONFIG = load_config(Path(__file__).resolve().parents[1] / "rules.yml")
FIELDS = [FieldDef(f.key, f.title, tuple(f.synonyms)) for f in CONFIG.intake_fields]


def read(description: str, policy: str = "ask"):
    r = parse_request(description, FIELDS, CONFIG.intake_placeholders, CONFIG.intake_template_checkboxes,
                      unsure=policy)
    pd_text = r.fields.get(PD, "") or (r.sources.get(PD, "") if PD in r.unsure else "")
    found = find_dates(pd_text, now=NOW, default_tz=TEAM_TZ, day_first=CONFIG.day_first) if pd_text else []
    return r, pd_text, found


@pytest.mark.parametrize("c", [pytest.param(c, id=c.name) for c in CASES])
def test_reading_corpus(c):
    r, pd_text, found = read(c.description, c.policy)
    assert set(r.missing) == set(c.missing), r.reasons
    assert set(r.unsure) == set(c.unsure)
    for key, text in c.contains.items():
        assert text in r.fields.get(key, ""), (key, r.fields.get(key))
    event, decision = decision_of(r.missing, pd_text, found)
    assert event == c.event, [(d.source, d.when.isoformat(), d.unread_time) for d in found]
    assert decision == c.decision
    # every field found quotes the text it was read from
    for key in r.found:
        assert r.sources[key].strip(), key


def test_corpus_is_big_and_every_case_is_named_once():
    names = [c.name for c in CASES]
    assert len(names) >= 150
    assert len(set(names)) == len(names)
    assert all(c.kind for c in CASES)
