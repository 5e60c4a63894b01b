"""GitLab's system note for a ticked task item (gl_cs/text/task_notes.py): read back as
GitLab writes it, the wording before GitLab 15.3 too, and nothing else read as one."""

from __future__ import annotations

import pytest

from gl_cs.text.task_notes import read_task_note, task_items, task_note, updated_tasks


@pytest.mark.parametrize("body, expected", [
    # as GitLab.com wrote one (escaped Markdown, a hidden comment's text without delimiters)
    ('marked the checklist item **Close \\#4 as obsolete: src/x\\.go says a \\= \\"1\\" — why.  '
     'workline:proposal\\=4/close\\-obsolete** as completed',
     ('Close #4 as obsolete: src/x.go says a = "1" — why.  workline:proposal=4/close-obsolete', True)),
    ("marked the checklist item **\\*\\*2\\. Personal introduction\\*\\* \\(due 2026\\-10\\-06, 2\\-5 days\\): "
     "a call** as incomplete", ("**2. Personal introduction** (due 2026-10-06, 2-5 days): a call", False)),
    ("marked the task **Install** as completed", ("Install", True)),  # before GitLab 15.3
    ("changed the description", None),
    ("marked this issue as related to #4", None),
    ("Please see: marked the checklist item **x** as completed", None),  # a person's comment quoting one
])
def test_a_task_note_is_read_back(body, expected):
    assert read_task_note(body) == expected


@pytest.mark.parametrize("text", ["**1. Welcome** (due 2026-10-01, at start): welcome the customer",
                                  "a | b ~x @all `code` [link](http://x) <b>", "100% done - yes!"])
def test_what_the_sandbox_writes_reads_back_as_the_item(text):
    for ticked in (True, False):
        assert read_task_note(task_note(text, ticked)) == (text, ticked)


def test_items_are_read_as_gitlab_reads_them():
    description = ("- [ ] one\n* [x] two\n1. [X] three\n- [] not an item\n[ ] no list\n```\n- [ ] in code\n```\n"
                   "+ [ ] four\n")
    assert task_items(description) == [(False, "one"), (True, "two"), (True, "three"), (False, "four")]
    ticked = description.replace("- [ ] one", "- [x] one").replace("+ [ ] four", "+ [x] four, reworded")
    assert updated_tasks(description, ticked) == [(True, "one")]
