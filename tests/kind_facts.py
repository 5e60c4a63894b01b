"""Build IssueFacts and a Context for the pure tests of the kind project rules."""

from __future__ import annotations

import datetime as dt

from conftest import NOW, RULES
from gl_cs.config import load_config
from gl_cs.decide.context import Context
from gl_cs.decide.facts import IssueFact
from gl_cs.read.snapshot import Member, User

CONFIG = load_config(RULES)


def ctx(now=NOW, members=None, config=CONFIG, closed_read=True) -> Context:
    """The facts a test gives are the whole project: every kind's closed issues included
    (``closed_read``), unless a test is about reading them."""
    c = Context(config=config, now=now, bot=User(1, "gl-cs-bot"),
                project_labels=("SA Backlog", "SA Triaged", "SA Doing", "SA Waiting", "SA Action Items"),
                closed_history=frozenset([k.label for k in config.kinds] + [config.renewal_label or ""])
                if closed_read else frozenset())
    if members is not None:
        c.members_ = tuple(Member(id=i + 100, username=u, access_level=30) for i, u in enumerate(members))
    return c


def fact(iid, *, kind="other", state="opened", workflow="backlog", assignees=(), author="eve.ae", key=None,
         mentions=(), updated=None, created=None, title="", milestones=(), proposed=(), **fields) -> IssueFact:
    pairs = [(k, str(v)) for k, v in fields.items() if v not in (None, "")]
    pairs += [("milestone", m) for m in milestones] + [("proposed", p) for p in proposed]
    when = updated or (NOW - dt.timedelta(days=iid))
    return IssueFact(iid=iid, title=title or f"issue {iid}", state=state, labels=(), workflow=workflow,
                     assignees=tuple(assignees), author=author, created_at=created or when, updated_at=when,
                     kind=kind, key=key, kind_fields=tuple(pairs), mentions=tuple(mentions))


def request(iid, which, **fields) -> IssueFact:
    f = fact(iid, role="request", **fields)
    return IssueFact(**{**f.__dict__, "kind": f"{which}_request",
                        "kind_fields": (("kind", which),) + f.kind_fields})


def lo_request(iid, customer="Acme Robotics", start="2026-10-10", segment="SMB", **more) -> IssueFact:
    return request(iid, "live_optimization", customer=customer, start=start, segment=segment, **more)


def onboarding_request(iid, customer="Acme Robotics", start="2026-03-14", **more) -> IssueFact:
    return request(iid, "onboarding", customer=customer, start=start, **more)
