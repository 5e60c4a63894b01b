"""Small builders for the pure rule tests: an issue with its label history and comments,
and the context a rule decides in. No HTTP, no sandbox: a rule is a pure function of
``(issue, ctx)``, so a case is just data.

    issue(labels=("SA Doing",), events=[moved("olga.outsider", "SA Doing", at=RECENT, from_="SA Backlog")])
    ctx(config=variant({"on_violation: comment": "on_violation: revert"}), now=NOW)

Defaults mirror the end-to-end desk in ``tests/conftest.py``: the clock is Monday
2026-11-23 09:00 in Los Angeles, eve.ae files a complete SA Activity request in SA
Backlog with the current quarter label, the project members are gl-cs-bot, ana.sa,
ben.sa (SAs) and eve.ae, finn.ae (AEs); chen.sa and dara.sa are on the roster of the
shipped rules.yml but not project members; olga.outsider is nobody's member.
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable

from gl_cs.config import Config
from gl_cs.config.load import load_config
from gl_cs.decide.context import Context, MissingData
from gl_cs.markers import with_marker
from gl_cs.read.snapshot import Issue, LabelEvent, Member, Note, User
from gl_cs.sandbox.seed import COMPLETE_REQUEST

ROOT = Path(__file__).resolve().parents[2]
RULES_YML = ROOT / "rules.yml"

UTC = dt.timezone.utc
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)
D = dt.timedelta(days=1)
NOW = dt.datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # Monday 09:00 in Los Angeles
LONG_AGO = NOW - 30 * D
RECENT = NOW - 2 * H  # inside sync.recent_hours (24)

# A request with every SA Activity field, an event three days out (Thu 26 Nov 10:00 New
# York) and nothing that triggers the Services rule.
COMPLETE = COMPLETE_REQUEST
DATES_LINE = "2026-11-26 10:00 America/New_York"
TASKS_LINE = "Demo of CI/CD and security scanning."
FIELDS = ("Customer Information", "Preferred Date Options", "Opportunity Details", "Outcome", "Challenges",
          "Infrastructure", "SA Tasks")
assert DATES_LINE in COMPLETE and TASKS_LINE in COMPLETE


def request(drop: Iterable[str] = (), **fields: str) -> str:
    """The complete request without the fields (titles) in ``drop`` and with other bodies:
    ``request(drop=("Outcome",), SA_Tasks="- [x] Demo")`` (underscores for spaces)."""
    sections, title = {}, None
    for line in COMPLETE.splitlines():
        if line.startswith("## "):
            title = line[3:]
            sections[title] = []
        elif title:
            sections[title].append(line)
    body = {t: "\n".join(lines).strip() for t, lines in sections.items()}
    assert tuple(body) == FIELDS
    for key, value in fields.items():
        name = key.replace("_", " ")
        assert name in body, key
        body[name] = value
    drop = set(drop)
    assert drop <= set(FIELDS), drop
    return "\n\n".join(f"## {t}\n{v}" for t, v in body.items() if t not in drop) + "\n"


FIELD_KEYS = {"Customer Information": "customer_information", "Preferred Date Options": "preferred_date_options",
              "Opportunity Details": "opportunity_details", "Outcome": "outcome", "Challenges": "challenges",
              "Infrastructure": "infrastructure", "SA Tasks": "sa_tasks"}


def missing_key(*titles: str) -> str:
    """The hidden key of the ask for ``titles``: the same set always gives the same key."""
    return "missing-" + hashlib.sha1("|".join(sorted(FIELD_KEYS[t] for t in titles)).encode()).hexdigest()[:10]


def thanked_key(*titles: str) -> str:
    """The hidden key of the thanks after gl-cs asked for ``titles``."""
    return "complete-" + missing_key(*titles)[len("missing-"):]


def with_dates(text: str) -> str:
    """The complete request with ``text`` as its Preferred Date Options."""
    return COMPLETE.replace(DATES_LINE, text)


def with_tasks(text: str) -> str:
    """The complete request with ``text`` as its SA Tasks."""
    return COMPLETE.replace(TASKS_LINE, text)


# -- people ----------------------------------------------------------------------------

_USERS: dict[str, User] = {}


def user(name: str | None) -> User | None:
    """A GitLab user with a stable id (the same name is always the same user); None stays
    None (GitLab's answer for a deleted user in label history)."""
    if name is None:
        return None
    if name not in _USERS:
        _USERS[name] = User(id=len(_USERS) + 1, username=name, name=name)
    return _USERS[name]


BOT = user("gl-cs-bot")
for _name in ("ana.sa", "ben.sa", "chen.sa", "dara.sa", "eve.ae", "finn.ae", "olga.outsider", "old-bot", "all"):
    user(_name)
MEMBERS = ("gl-cs-bot", "ana.sa", "ben.sa", "eve.ae", "finn.ae")
PROJECT_LABELS = ("SA Backlog", "SA Triaged", "SA Doing", "SA Waiting", "SA Action Items", "EXPEDITE", "Services",
                  "FY27-Q4", "customer::acme", "Priority::1")


class _Sentinel:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


UNREAD = _Sentinel("UNREAD")  # data the sync has not read (yet): asking for it raises MissingData
AS_FILED = _Sentinel("AS_FILED")  # label history: the author added every label when filing the issue


# -- label history -------------------------------------------------------------------------

def added(who: str | None, label: str, at: dt.datetime = LONG_AGO, id: int | None = None) -> tuple:
    return ("add", who, label, at, id)


def removed(who: str | None, label: str, at: dt.datetime = LONG_AGO, id: int | None = None) -> tuple:
    return ("remove", who, label, at, id)


def moved(who: str | None, label: str, at: dt.datetime = LONG_AGO, from_: str | None = None) -> list[tuple]:
    """A board move: ``from_`` removed and ``label`` added in one request (same instant)."""
    return ([removed(who, from_, at)] if from_ else []) + [added(who, label, at)]


def _flatten(items) -> list[tuple]:
    out = []
    for item in items:
        if isinstance(item, list):
            out.extend(_flatten(item))
        else:
            out.append(item)
    return out


def events_of(specs) -> tuple[LabelEvent, ...]:
    """Label events from ``added``/``removed``/``moved``; ids follow the order written
    (from 1), unless a spec names its own."""
    out = []
    for number, (action, who, label, at, id_) in enumerate(_flatten(specs), start=1):
        out.append(LabelEvent(id=id_ if id_ is not None else number, user=user(who), created_at=at, label=label,
                              action=action))
    return tuple(out)


# -- comments --------------------------------------------------------------------------------

def note(who: str, body: str, at: dt.datetime | None = None) -> tuple:
    return (who, body, at)


def bot_said(rule: str, key: str, body: str = "gl-cs said something", who: str = "gl-cs-bot",
             at: dt.datetime | None = None) -> tuple:
    """A comment gl-cs (or a former bot user, ``who=``) posted, ending with its hidden marker."""
    return (who, with_marker(body, rule, key), at)


def notes_of(specs) -> tuple[Note, ...]:
    return tuple(Note(id=n, body=body, author=user(who), system=False, created_at=at or LONG_AGO + n * M)
                 for n, (who, body, at) in enumerate(specs, start=1))


# -- the issue -----------------------------------------------------------------------------

def issue(labels: Iterable[str] = ("SA Backlog", "FY27-Q4"), *, events=AS_FILED, notes=(), notes_count: int = 1,
          description: str = COMPLETE, title: str = "Request", author: str | None = "eve.ae",
          assignees: Iterable[str] = (), state: str = "opened", created_at: dt.datetime | None = LONG_AGO,
          updated_at: dt.datetime | None = LONG_AGO, due_date: str | dt.date | None = None, iid: int = 1,
          examined: bool = False) -> Issue:
    """An issue as the sync hands it to the rules.

    ``events``: the label history (AS_FILED: the author added each label at
    ``created_at``; UNREAD: not read yet). ``notes``: its comments (``note``/``bot_said``);
    ``()`` is an issue without comments, which the issue list says with
    ``user_notes_count`` 0 (nothing to read); UNREAD: ``notes_count`` comments exist
    but were not read."""
    labels = tuple(labels)
    if isinstance(due_date, str):
        due_date = dt.date.fromisoformat(due_date)
    if notes is UNREAD:
        count, note_objs = notes_count, None
    else:
        note_objs = notes_of(notes)
        count = len(note_objs)
    made = Issue(iid=iid, title=title, description=description, state=state, labels=labels,
                 assignees=tuple(user(a) for a in assignees), author=user(author), created_at=created_at,
                 updated_at=updated_at, due_date=due_date, web_url=f"https://gitlab.example/issues/{iid}",
                 user_notes_count=count, examined=examined)
    if note_objs:
        made = made.with_notes(note_objs)
    elif note_objs is not None:
        made = replace(made, notes=None)  # the list's user_notes_count 0 is all a rule needs
    if events is AS_FILED:
        events = [added(author, l, created_at or LONG_AGO) for l in labels]
    if events is not UNREAD:
        made = made.with_label_events(events_of(events))
    return made


# -- configuration and context ---------------------------------------------------------------

_CONFIGS: dict = {}
_VARIANTS = Path(tempfile.mkdtemp(prefix="gl-cs-rule-tests-"))
atexit.register(shutil.rmtree, _VARIANTS, ignore_errors=True)


def shipped() -> Config:
    """The shipped rules.yml, loaded and validated as `gl-cs` does."""
    if None not in _CONFIGS:
        _CONFIGS[None] = load_config(RULES_YML)
    return _CONFIGS[None]


def _services_phrases() -> str:
    text = RULES_YML.read_text()
    start = text.index("  phrases: [professional services")
    return text[start:text.index("]", start) + 1]


#: the shipped rules.yml's services.phrases entry, as written (for variants that replace it)
SERVICES_PHRASES = _services_phrases()


def variant(replacements: dict[str, str]) -> Config:
    """The shipped rules.yml with text replaced (each ``old`` must occur), written to a
    temporary folder and loaded with ``load_config``: ``variant({"assignable: roster":
    "assignable: members"})``."""
    key = tuple(sorted(replacements.items()))
    if key not in _CONFIGS:
        text = RULES_YML.read_text()
        for old, new in replacements.items():
            assert old in text, old
            text = text.replace(old, new)
        folder = _VARIANTS / f"v{len(_CONFIGS)}"
        folder.mkdir()
        (folder / "rules.yml").write_text(text)
        _CONFIGS[key] = load_config(folder / "rules.yml")
    return _CONFIGS[key]


def ctx(config: Config | None = None, now: dt.datetime = NOW, members=MEMBERS, bot: str | None = "gl-cs-bot",
        labels: Iterable[str] = PROJECT_LABELS) -> Context:
    """The context of one sync: config (default: the shipped rules.yml), the clock, the
    token's user, the project's members (usernames; UNREAD: not read yet) and its labels
    (oldest first)."""
    member_objs = None if members is UNREAD else tuple(
        Member(id=user(m).id, username=m, access_level=30) for m in members)
    return Context(config=config or shipped(), now=now, bot=user(bot), project_labels=tuple(labels),
                   members_=member_objs)


# -- what a decision reads -------------------------------------------------------------------

def reads(decide: Callable[[Issue, Context], object], issue: Issue, ctx: Context, *,
          known: Iterable[str] = ()) -> tuple[list[str], object]:
    """Run ``decide`` the way the sync does (``gl_cs.app.sync._decide``): the issue arrives
    from the issue list without label history or comments, the members are not read; each
    ``MissingData`` is one read, after which the rules run again. ``issue`` and ``ctx``
    carry what GitLab would answer; ``known`` names data the sync already has (the record
    hands an examined issue its history: ``known=("label_events",)``).

    Returns (the reads in order, the final result)."""
    truth = {"label_events": issue.label_events or (), "notes": issue.notes or (), "members": ctx.members_ or ()}
    known = set(known)
    current = replace(issue, label_events=issue.label_events if "label_events" in known else None,
                      notes=issue.notes if "notes" in known else None)
    context = replace(ctx, members_=ctx.members_ if "members" in known else None)
    asked: list[str] = []
    for _ in range(4):
        try:
            return asked, decide(current, context)
        except MissingData as need:
            asked.append(need.what)
            if need.what == "label_events":
                current = current.with_label_events(truth["label_events"])
            elif need.what == "notes":
                current = current.with_notes(truth["notes"])
            elif need.what == "members":
                context.members_ = truth["members"]
            else:  # pragma: no cover
                raise
    raise AssertionError(f"kept asking: {asked}")
