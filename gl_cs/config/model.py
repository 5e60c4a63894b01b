"""The validated configuration, as plain frozen objects the rules can read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class WorkflowState:
    key: str
    label: str
    match: str = "exact"  # "exact" | "prefix"
    needs_assignee: bool = False

    def matches(self, name: str) -> bool:
        if self.match == "prefix":
            return name == self.label or name.startswith(self.label)
        return name == self.label


@dataclass(frozen=True)
class FieldSpec:
    """One field of the SA Activity template."""

    key: str
    title: str
    synonyms: tuple[str, ...] = ()


DEFAULT_FIELDS = (
    FieldSpec("customer_information", "Customer Information", ("Customer", "Customer Info", "Customer Name")),
    FieldSpec("preferred_date_options", "Preferred Date Options", ("Preferred Dates", "Date Options")),
    FieldSpec("opportunity_details", "Opportunity Details", ("Opportunity",)),
    FieldSpec("outcome", "Outcome", ("Desired Outcome", "Outcomes")),
    FieldSpec("challenges", "Challenges", ("Roadblocks",)),
    FieldSpec("infrastructure", "Infrastructure", ("Current Tools",)),
    FieldSpec("sa_tasks", "SA Tasks", ("SA Task",)),
)


@dataclass(frozen=True)
class KindSpec:
    """A kind of request with its own template and fields (rules.yml ``kinds``):
    ``onboarding`` (Customer Onboarding) or ``live_optimization``."""

    key: str
    label: str
    fields: tuple[FieldSpec, ...] = ()


@dataclass(frozen=True)
class AccountRow:
    """One row of the optional accounts file a team exports from its CRM."""

    customer: str
    renewal_date: str  # ISO date
    ae: str = ""
    sa: str = ""
    salesforce: str = ""
    line: int = 0


@dataclass(frozen=True)
class Config:
    source: str
    project: str | int
    timezone: str
    states: tuple[WorkflowState, ...]
    default_state: str
    expedite_label: str = "EXPEDITE"
    services_label: str = "Services"
    transitions: dict[str, frozenset[str]] = field(default_factory=dict)
    on_violation: str = "comment"
    assignable: str = "members"
    closed_issues: str = "remove_workflow_labels"
    closed_lookback_hours: float = 168
    recent_hours: float = 24
    roster: tuple[str, ...] = ()
    former_bots: tuple[str, ...] = ()  # earlier gl-cs users (after a token change): their work is gl-cs's
    intake_applies_to: object = "all"  # "all" | ("label", name) | ("marker", text)
    intake_states: tuple[str, ...] = ()
    intake_fields: tuple[FieldSpec, ...] = ()
    intake_placeholders: tuple[str, ...] = ()
    intake_template_checkboxes: tuple[str, ...] | None = None
    day_first: bool = False
    fiscal_start_month: int = 2
    fiscal_label_format: str = "FY{fy2}-Q{q}"
    services_phrases: tuple[str, ...] = ()
    # -- kinds of request opened from their own templates (rules.yml ``kinds``) --------
    kinds: tuple[KindSpec, ...] = ()
    sa_capacity: int = 5  # open SA Triaged + SA Doing issues an SA may hold before a new one waits
    renewal_label: str | None = None  # an extra label on renewal review issues
    accounts_file: str | None = None
    accounts: tuple[AccountRow, ...] = ()
    templates_dir: str | None = None  # the team's own Jinja templates (override the built-in ones)

    def __post_init__(self) -> None:
        if not self.intake_fields:
            object.__setattr__(self, "intake_fields", DEFAULT_FIELDS)

    # -- kinds ----------------------------------------------------------------
    def kind(self, key: str) -> KindSpec | None:
        return next((k for k in self.kinds if k.key == key), None)

    def kind_of_labels(self, labels) -> KindSpec | None:
        """The kind whose label an issue carries (the first configured one wins)."""
        return next((k for k in self.kinds if k.label in labels), None)

    # -- workflow helpers -------------------------------------------------
    def state(self, key: str) -> WorkflowState:
        for s in self.states:
            if s.key == key:
                return s
        raise KeyError(key)

    def state_of(self, label: str) -> WorkflowState | None:
        """The workflow state a label name stands for, or None for any other label."""
        for s in self.states:
            if s.matches(label):
                return s
        return None

    def workflow_labels(self, labels: tuple[str, ...] | list[str]) -> list[str]:
        return [l for l in labels if self.state_of(l) is not None]

    def allows(self, src: str, dst: str) -> bool:
        return src == dst or dst in self.transitions.get(src, frozenset())

    def is_fiscal_label(self, label: str) -> bool:
        pattern = re.escape(self.fiscal_label_format)
        for name, rx in (("fy2", r"\d{2}"), ("fy", r"\d{4}"), ("q", r"[1-4]")):
            pattern = pattern.replace(re.escape("{" + name + "}"), rx)
        return re.fullmatch(pattern, label) is not None

    def managed(self, label: str) -> bool:
        """True for a label gl-cs may add or remove; everything else is never touched."""
        return (self.state_of(label) is not None or label in (self.expedite_label, self.services_label)
                or self.is_fiscal_label(label))
