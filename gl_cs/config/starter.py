"""A first rules.yml for one desk (`gl-cs init`): the packaged default, with what the project
itself says filled in and commented. Pure: it gets what was read from GitLab, returns text.

* **Workflow labels**: each state takes the project's label of that name (any case), else
  the project's label that names the state (``Backlog``, ``workflow::doing``); the triaged
  state keeps matching by prefix, so a weekly-renamed ``SA Triaged - @ana.sa`` is found.
  A state with no label in the project keeps the default name (gl-cs creates the label on
  the first sync), and the file says so.
* **Roster**: the members with the Developer role or more (the token's own user and
  gl-cs's bot accounts left out); the weekly triage rotation takes them in that order,
  starting this week.
* **Issue templates**: their names, in a comment, and whether the SA Activity template
  gl-cs reads is among them (`gl-cs templates install` adds it).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

DEFAULT_RULES = Path(__file__).resolve().parent / "default_rules.yml"

DEVELOPER = 30

#: The words that name each workflow state in a project's own labels.
STATE_WORDS = {
    "backlog": ("backlog", "new", "to do", "todo", "open"),
    "triaged": ("triaged", "triage"),
    "doing": ("doing", "in progress", "wip", "working"),
    "waiting": ("waiting", "blocked", "on hold", "needs info"),
    "action_items": ("action items", "action item"),
}


@dataclass
class Starter:
    """The rules.yml text and, for the person running `gl-cs init`, what was chosen."""

    text: str
    picked: dict[str, str] = field(default_factory=dict)  # state -> the project's label
    missing: list[str] = field(default_factory=list)  # states whose label the project lacks
    roster: list[str] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)


def _yaml_str(text: str) -> str:
    """A YAML scalar for ``text``: plain when safe, else JSON's quoting (valid YAML)."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9 _./\-]*", text) and text.strip() == text and \
            text.lower() not in ("yes", "no", "on", "off", "true", "false", "null"):
        return text
    return json.dumps(text, ensure_ascii=False)


def _yaml_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(_yaml_str(i) for i in items) + "]"


def pick_label(state: str, default: str, labels: Sequence[str]) -> tuple[str, str]:
    """(label, how) for one workflow state: "exact", "prefix", "named" or "missing"."""
    by_case = {l.casefold(): l for l in labels}
    if default.casefold() in by_case:
        return by_case[default.casefold()], "exact"
    if state == "triaged":
        renamed = sorted(l for l in labels if l.casefold().startswith(default.casefold()))
        if renamed:
            return default, "prefix"
    for word in STATE_WORDS.get(state, ()):
        for label in sorted(labels, key=len):
            name = label.casefold().replace("_", " ").replace("-", " ")
            if re.search(rf"(^|[\s:/]){re.escape(word)}($|[\s:/])", name):
                return label, "named"
    return default, "missing"


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def build(*, project: str, labels: Sequence[str], members: Sequence[tuple[str, int]], templates: Sequence[str],
          bot: str | None, today: dt.date, url: str = "", default_text: str | None = None) -> Starter:
    """The rules.yml for ``project`` from its labels, members (username, access level) and
    issue template names. ``bot``: the token's user (gl-cs runs as it)."""
    text = default_text if default_text is not None else DEFAULT_RULES.read_text(encoding="utf-8")
    starter = Starter(text="")
    lines = [f"# Written by `gl-cs init` for {project}{' at ' + url if url else ''} on {today.isoformat()},",
             "# from the project's labels, members and issue templates. Check it with `gl-cs validate`,",
             "# then look before anything is written: `gl-cs sync --dry-run`.", ""]
    text = re.sub(r"(?m)^project: .*$", f"project: {_yaml_str(project)}", text, count=1)

    # workflow labels
    for state, default in (("backlog", "SA Backlog"), ("triaged", "SA Triaged"), ("doing", "SA Doing"),
                           ("waiting", "SA Waiting"), ("action_items", "SA Action Items")):
        label, how = pick_label(state, default, labels)
        note = {"exact": "", "prefix": f"  # the project's labels start with it (renamed weekly)",
                "named": f"  # picked from the project's labels (default: {default})",
                "missing": "  # not in the project yet: gl-cs creates it on the first sync"}[how]
        if how == "missing":
            starter.missing.append(default)
        else:
            starter.picked[state] = label
        pattern = rf"(?m)^(    {state}:\n      label: ){re.escape(default)}$"
        text, n = re.subn(pattern, lambda m: m.group(1) + _yaml_str(label) + note, text, count=1)
        if state == "triaged" and n and label != default:
            text = text.replace('label_format: "SA Triaged - @{username}"',
                                f"label_format: {json.dumps(label + ' - @{username}')}")
    for key, default in (("expedite", "EXPEDITE"), ("services", "Services")):
        found = next((l for l in labels if l.casefold() == default.casefold()), None)
        if found and found != default:
            text = re.sub(rf"(?m)^  {key}: {default}$", f"  {key}: {_yaml_str(found)}", text, count=1)

    # the roster: Developers and more, never gl-cs itself
    bots = {b for b in (bot, "gl-cs-bot") if b}
    roster = sorted({u for u, level in members if level >= DEVELOPER and u not in bots})
    starter.roster = roster
    others = sorted({u for u, level in members if level < DEVELOPER and u not in bots})
    roster_note = (f"  # the project's Developers and up; remove anyone who is not an SA"
                   + (f" (Reporters and Guests left out: {', '.join(others[:8])}{' ...' if len(others) > 8 else ''})"
                      if others else ""))
    text = re.sub(r"(?m)^  roster: .*$", f"  roster: {_yaml_list(roster)}{roster_note}", text, count=1)
    if bot:
        text = re.sub(r"(?m)^  bots: .*$", f"  bots: {_yaml_list([bot])}  # the token's user", text, count=1)
    text = re.sub(r"(?m)^    start: .*$", f"    start: {monday_of(today).isoformat()}", text, count=1)
    if roster:
        text = re.sub(r"(?m)^    order: .*$", f"    order: {_yaml_list(roster)}", text, count=1)
    else:
        text = re.sub(r"(?m)^    order: .*\n", "", text, count=1)  # default: team.roster

    # issue templates
    starter.templates = list(templates)
    if templates:
        lines.append(f"# The project's issue templates: {', '.join(templates)}.")
    else:
        lines.append("# The project has no issue templates yet.")
    if "SA Activity" not in templates:
        lines.append("# `gl-cs templates install` adds SA Activity, Customer Onboarding and Live Optimization Request.")
    if starter.missing:
        lines.append(f"# Labels gl-cs will create on the first sync: {', '.join(starter.missing)}.")
    lines.append("")
    starter.text = "\n".join(lines) + text
    return starter
