"""The rules, one per module, in the order they run on each issue.

Each later rule sees the issue as the earlier ones left it (projected labels and
assignees), so the result of one sync is already the converged state.
"""

from . import (checklist_progress, expedite, fiscal_quarter, intake, kind_intake, services, workflow_assignee,
               workflow_closed, workflow_state, workflow_transitions)
from .base import Rule

RULES: tuple[Rule, ...] = (
    workflow_closed.RULE,
    workflow_state.RULE,
    workflow_assignee.RULE,
    workflow_transitions.RULE,
    intake.RULE,
    kind_intake.RULE,
    expedite.RULE,
    fiscal_quarter.RULE,
    services.RULE,
    checklist_progress.RULE,
)

__all__ = ["RULES", "Rule"]
