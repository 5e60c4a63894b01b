"""Quick actions (``/label ~x``, ``/close`` ...) as GitLab runs them.

When a note or an issue description is saved through the API, GitLab looks for
lines that start with ``/`` immediately followed by a known command name and
executes them; the command lines are removed from the stored text.  Lines are
*not* commands when they sit inside a fenced code block (```` ``` ```` or
``~~~``) or a ``>>>`` multi-line quote, or when they start with a space, ``>``
or a backslash (``\\/close``).

:func:`extract` is the pure parser; :func:`execute` parses, applies the
commands to an issue of a :class:`~gl_cs.sandbox.store.Store` (its caller holds
the store lock) and records each executed line in
``store.executed_quick_actions``.  :func:`find_mass_mentions` finds ``@all`` /
``@here`` outside code.

Like GitLab, ``/label`` only applies labels that already exist in the project;
unknown ones are ignored (the line is still consumed).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..text.quick_actions import ISSUE_COMMANDS
from .timeutil import parse_date

try:  # natural-language dates ("December 31st") when python-dateutil is installed
    from dateutil import parser as date_parser
except ImportError:  # pragma: no cover
    date_parser = None

#: Commands with an effect in the sandbox.
EFFECTIVE_COMMANDS = frozenset({
    "label", "labels", "unlabel", "remove_label", "relabel", "close", "reopen", "assign",
    "unassign", "reassign", "title", "due", "remove_due_date", "confidential", "lock", "unlock",
    "relate",
})
#: Commands GitLab runs on issues that the sandbox accepts (consumes) without an effect.
NOOP_COMMANDS = ISSUE_COMMANDS - EFFECTIVE_COMMANDS
KNOWN_COMMANDS = EFFECTIVE_COMMANDS | NOOP_COMMANDS

_COMMAND_LINE = re.compile(r"^/(?P<cmd>[A-Za-z_]+)(?:[ \t]+(?P<arg>.*?))?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
_LABEL_TOKEN = re.compile(r'~?"(?P<quoted>[^"]+)"|~?(?P<bare>[^\s~"]+)')
_MASS_MENTION = re.compile(r"(?<![\w@./`-])@(?P<who>all|here)(?![\w-])", re.IGNORECASE)
_INLINE_CODE = re.compile(r"`[^`\n]*`")


@dataclass(frozen=True)
class Command:
    """One quick-action line: ``name`` (lower case), its ``arg`` text and the original ``line``."""

    name: str
    arg: str
    line: str


def _iter_lines(text: str):
    """Yield ``(line, is_plain)``: plain lines are outside fenced code and ``>>>`` quotes."""
    fence: str | None = None
    in_quote = False
    for line in text.split("\n"):
        if fence is not None:
            stripped = line.strip()
            if stripped.startswith(fence[0] * len(fence)) and set(stripped) == {fence[0]}:
                fence = None
            yield line, False
            continue
        match = _FENCE.match(line)
        if match and not in_quote:
            fence = match.group("fence")
            yield line, False
            continue
        if line.strip() == ">>>":
            in_quote = not in_quote
            yield line, False
            continue
        yield line, not in_quote


def extract(text: str) -> tuple[str, list[Command]]:
    """Split ``text`` into (text without command lines, commands found in order)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept: list[str] = []
    commands: list[Command] = []
    for line, plain in _iter_lines(text):
        match = _COMMAND_LINE.match(line) if plain else None
        if match and match.group("cmd").lower() in KNOWN_COMMANDS:
            commands.append(Command(match.group("cmd").lower(), (match.group("arg") or "").strip(),
                                    line.rstrip()))
            continue
        kept.append(line)
    if not commands:
        return text, []
    return "\n".join(kept).strip("\n").rstrip(), commands


def find_mass_mentions(text: str) -> list[str]:
    """``@all`` / ``@here`` mentions outside fenced code and inline code, in order."""
    found: list[str] = []
    for line, plain in _iter_lines(text.replace("\r\n", "\n")):
        if plain:
            for match in _MASS_MENTION.finditer(_INLINE_CODE.sub("", line)):
                found.append("@" + match.group("who").lower())
    return found


def parse_label_names(arg: str) -> list[str]:
    """``~a ~"b c" ~Priority::1`` (or without tildes) -> ``["a", "b c", "Priority::1"]``."""
    names: list[str] = []
    for match in _LABEL_TOKEN.finditer(arg):
        name = (match.group("quoted") or match.group("bare") or "").strip()
        if name and name not in names:
            names.append(name)
    return names


def parse_issue_refs(arg: str) -> list[int]:
    """``#12 #13`` (same project) -> ``[12, 13]``."""
    return [int(n) for n in re.findall(r"(?<![\w/])#(\d+)\b", arg)]


def parse_usernames(arg: str) -> list[str]:
    return [token.lstrip("@") for token in arg.replace(",", " ").split() if token.strip("@")]


_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def parse_due(arg: str, today: dt.date) -> dt.date | None:
    """A small subset of GitLab's natural-language due dates."""
    text = arg.strip().lower()
    if not text:
        return None
    if text == "today":
        return today
    if text == "tomorrow":
        return today + dt.timedelta(days=1)
    match = re.fullmatch(r"in (\d+) (day|days|week|weeks)", text)
    if match:
        count = int(match.group(1)) * (7 if match.group(2).startswith("week") else 1)
        return today + dt.timedelta(days=count)
    match = re.fullmatch(r"(?:this |next )?(" + "|".join(_WEEKDAYS) + r")", text)
    if match:
        delta = (_WEEKDAYS.index(match.group(1)) - today.weekday()) % 7 or 7
        if text.startswith("next "):
            delta += 7 if delta < 7 else 0
        return today + dt.timedelta(days=delta)
    try:
        return parse_date(text.replace("/", "-"))
    except ValueError:
        pass
    if date_parser is None:
        return None
    try:
        return date_parser.parse(arg, default=dt.datetime(today.year, today.month, today.day)).date()
    except (ValueError, OverflowError):
        return None
