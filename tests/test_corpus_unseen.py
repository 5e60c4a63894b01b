"""The unseen corpus (tests/corpus_unseen/): 72 desks written from the handbook alone by
writers who never read gl-cs's reader, each with the decision a team lead expects. Every
must-level decision (what gl-cs opens, whether it asks, declines or serves, what it asks
for and why it declines, EXPEDITE, Services) must be right; the facts it reads and whom
it assigns are measured too (tests/corpus_unseen/harness.py prints every miss)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "corpus_unseen"))

from harness import run_all, summary  # noqa: E402


def test_every_must_level_decision_of_the_unseen_corpus_is_right():
    cases, _, checks = run_all()
    wrong = [f"{c.case} {c.name}: expected {c.expected!r}, got {c.got!r}" for c in checks if c.must and not c.ok]
    assert len(cases) == 72 and wrong == []
    score = summary(cases, checks)
    assert score["should_right"] >= 0.9 * score["should_checks"], score  # facts read and assignees
