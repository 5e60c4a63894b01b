"""Project rules: after the issue sweep, each sees one fact per issue and plans
project-level actions (open an issue, post or update a summary, rename a label).

A project rule is ``ProjectRule(name, decide, doc)`` with a pure
``decide(facts, ctx) -> list[Action]``; like issue rules they never call GitLab.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from ..actions import Action
from ..context import Context
from ..facts import IssueFact

Decide = Callable[[Sequence[IssueFact], Context], list[Action]]


@dataclass(frozen=True)
class ProjectRule:
    name: str
    decide: Decide
    doc: str = ""


PROJECT_RULES: tuple[ProjectRule, ...] = ()

# The registry, in the order the rules run after the sweep (their modules import
# ProjectRule from here). The triage summary and the rotation are run by their own
# commands (`gl-cs summary`, `gl-cs rotate`), not by every sync.
from . import live_optimization, onboarding, renewals  # noqa: E402

PROJECT_RULES = (onboarding.RULE, live_optimization.RULE, renewals.RULE)

__all__ = ["PROJECT_RULES", "ProjectRule"]
