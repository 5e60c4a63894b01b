"""GitLab's system note for a ticked task-list item: one wording for gl-cs and its sandbox.

When a description edit ticks or unticks a task-list item (``- [ ] step`` to ``- [x] step``),
GitLab writes, instead of "changed the description", one system note per item, authored by
whoever edited::

    marked the checklist item **Personal introduction \\(due 2026\\-10\\-06\\)** as completed
    marked the checklist item **...** as incomplete

(``app/services/system_notes/issuables_service.rb`` ``change_task_status``; "marked the task"
before GitLab 15.3, when task items were renamed checklist items, and rewritten since by a
background migration.) The item's Markdown comes back escaped (``\\#``, ``\\-``, ``\\.``), the
text of an HTML comment in it without its delimiters. Which items changed follows
``Taskable.get_updated_tasks``: items are compared by position, and an item counts only when its
text is unchanged and its box is not (a reworded item is a description change).

gl-cs reads these notes (:func:`read_task_note`) for when a checklist step was ticked; the
sandbox writes them (:func:`task_note`, :func:`updated_tasks`) as GitLab does.
"""

from __future__ import annotations

import re

COMPLETED = "completed"
INCOMPLETE = "incomplete"

#: ``Taskable::ITEM_PATTERN``: a list item (``-``, ``+``, ``*`` or ``1.``) whose text starts
#: with a box, ``[ ]``, ``[x]`` or ``[X]``, and goes on after a space.
_ITEM = re.compile(r"^\s*(?:[-+*]|\d+[.)])\s+(\[\s\]|\[[xX]\])(\s.+)$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_NOTE = re.compile(r"\Amarked the (?:checklist item|task) \*\*(.*)\*\* as (completed|incomplete)\Z", re.S)
#: What GitLab's note escapes in the item's text (a backslash before each).
_ESCAPED = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>=\"~])")
_UNESCAPE = re.compile(r"\\(.)", re.S)
_COMMENT = re.compile(r"<!--(.*?)-->", re.S)


def task_items(description: str | None) -> list[tuple[bool, str]]:
    """The description's task-list items as GitLab reads them: (ticked, text after the box),
    outside fenced code blocks."""
    items: list[tuple[bool, str]] = []
    fence = None
    for line in (description or "").splitlines():
        m = _FENCE.match(line)
        if m:
            mark = m.group(1)[0]
            fence = None if fence == mark else (fence or mark)
            continue
        if fence:
            continue
        item = _ITEM.match(line)
        if item:
            items.append((item.group(1) != "[ ]", item.group(2).strip()))
    return items


def updated_tasks(old: str | None, new: str | None) -> list[tuple[bool, str]]:
    """The items a description edit ticked or unticked: (ticked now, text), compared by
    position; an item whose text changed too is not one."""
    before = task_items(old)
    return [(done, text) for i, (done, text) in enumerate(task_items(new))
            if i < len(before) and before[i][1] == text and before[i][0] != done]


def task_note(text: str, ticked: bool) -> str:
    """The system note GitLab writes when the item ``text`` is ticked (or unticked)."""
    shown = _ESCAPED.sub(r"\\\1", _COMMENT.sub(lambda m: m.group(1).strip(), text))
    return f"marked the checklist item **{shown}** as {COMPLETED if ticked else INCOMPLETE}"


def read_task_note(body: str | None) -> tuple[str, bool] | None:
    """(the item's text, ticked) of a task system note, None for any other note. The text is
    unescaped; emphasis in it stays as written (``**1. Welcome**``)."""
    m = _NOTE.match((body or "").strip())
    if not m:
        return None
    return _UNESCAPE.sub(r"\1", m.group(1)), m.group(2) == COMPLETED
