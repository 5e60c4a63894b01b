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

__all__ = ["PROJECT_RULES", "ProjectRule"]
