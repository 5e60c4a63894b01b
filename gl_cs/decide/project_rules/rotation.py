"""triage.rotation: the SA Triaged label shows the week's Triage SA.

Handbook 002, "Weekly SA Triage Assignment": "Each week one specific Solutions Architect
is assigned as the Triage SA for the week. This is indicated both in the `SA Triaged`
label as well as in the #solutions_architect channel"; and, "Labels": "SA Triaged: This
label will change names to show which SA is triaging this week".

The week's Triage SA comes from ``triage.rotation`` (order, start, absences, changes; see
:mod:`gl_cs.decide.triage.weeks`), weeks starting on Monday in the team's time zone. The
SA Triaged label, found by its prefix whatever its current suffix (also a name someone
edited by hand; of several, the newest, as ``Context.label_for`` picks it), is renamed to
``triage.label_format`` (``SA Triaged - @{username}``). GitLab's rename keeps the label on
its issues, and the workflow rules match the state by prefix, so nothing else changes.
Already named so: nothing (a second run in the same week changes nothing). No label at
all: it is created with that name.
"""

from __future__ import annotations

from typing import Sequence

from ..actions import Action, CreateLabel, RenameLabel
from ..context import Context
from ..facts import IssueFact
from ..triage.weeks import Turn, triage_sa, week_name, week_of
from . import ProjectRule

NAME = "triage.rotation"


def this_week(ctx: Context) -> Turn | None:
    cfg = ctx.config
    return triage_sa(cfg.triage, cfg.roster, week_of(ctx.now, cfg.timezone))


def label_name_for(username: str, ctx: Context) -> str:
    return ctx.config.triage.label_format.format(username=username)


def decide(facts: Sequence[IssueFact], ctx: Context) -> list[Action]:
    turn = this_week(ctx)
    if turn is None or turn.username is None:
        return []  # no rotation configured, or everyone out: the command says so
    want = label_name_for(turn.username, ctx)
    state = ctx.config.state("triaged")
    existing = [l for l in ctx.project_labels if state.matches(l)]
    skipped = f" ({', '.join(turn.skipped)} out, keeping their turn)" if turn.skipped else ""
    why = f"{turn.username} is the Triage SA of {week_name(turn.monday)}{skipped}"
    if want in existing:
        return []
    if not existing:
        return [CreateLabel(NAME, why, name=want, color="#44AD8E",
                            description="Vetted, an SA owns it. Its name shows this week's Triage SA (gl-cs)")]
    return [RenameLabel(NAME, why, old=ctx.label_for("triaged"), new=want)]


RULE = ProjectRule(NAME, decide, doc=__doc__ or "")
