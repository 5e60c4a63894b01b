"""The validated configuration, as plain frozen objects the rules can read."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..parse.vocabulary import NO_ANSWER


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


#: The template's own placeholders plus the built-in "no answer" words in the
#: team's languages (gl_cs.parse.vocabulary.NO_ANSWER).  rules.yml's
#: ``intake.placeholders`` replaces this list; the item ``default`` in it stands
#: for the whole list (``[default, "ask Jim"]``).
DEFAULT_PLACEHOLDERS: tuple[str, ...] = tuple(dict.fromkeys(
    ("TBD", "N/A", "NA", "<enter here>", "...", "_", "-", "TODO", "?", "none yet") + NO_ANSWER))

#: Every optional rules.yml key and its default: the one place defaults live.
#: ``gl_cs.config.load`` reads them from here, and a test checks that the README's
#: rules.yml table says the same.
DEFAULTS: dict[str, object] = {
    "labels.expedite": "EXPEDITE",
    "labels.services": "Services",
    "workflow.on_violation": "comment",
    "workflow.assignable": "members",
    "workflow.closed_issues": "remove_workflow_labels",
    "sync.closed_lookback_hours": 168,
    "sync.recent_hours": 24,
    "team.roster": (),
    "team.former_bots": (),
    "team.bots": (),
    "intake.applies_to": "all",
    "intake.placeholders": DEFAULT_PLACEHOLDERS,
    "intake.template_checkboxes": None,
    "intake.unsure": "ask",
    "expedite.date_order": "month_first",
    "fiscal_quarter.start_month": 2,
    "fiscal_quarter.label_format": "FY{fy2}-Q{q}",
    "services.phrases": (),
    "group.subgroups": False,
}


@dataclass(frozen=True)
class Absence:
    """A person out from ``start`` to ``end`` (inclusive): a week in which they would miss
    a triage call goes to the next person, and they take the following one."""

    user: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class RotationChange:
    """From the week of ``start`` on, the rotation follows ``order`` (a roster change)."""

    start: dt.date
    order: tuple[str, ...]


@dataclass(frozen=True)
class TriageConfig:
    """rules.yml ``triage:``: the weekly Triage SA rotation and the triage call summaries."""

    start: dt.date | None = None  # the week the rotation starts (order[0] is Triage SA then)
    order: tuple[str, ...] = ()  # empty: team.roster
    absences: tuple[Absence, ...] = ()
    changes: tuple[RotationChange, ...] = ()
    label_format: str = "SA Triaged - @{username}"
    call_days: tuple[int, ...] = (0, 1, 3)  # Monday = 0
    call_time: dt.time = dt.time(9, 30)
    call_timezone: str = "America/Los_Angeles"
    issue_label: str = "SA Triage"
    chase_after_days: float = 7
    stale_days: float = 7
    upcoming_days: float = 7
    capacity: int = 5


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
    expedite_label: str = DEFAULTS["labels.expedite"]  # type: ignore[assignment]
    services_label: str = DEFAULTS["labels.services"]  # type: ignore[assignment]
    transitions: dict[str, frozenset[str]] = field(default_factory=dict)
    on_violation: str = DEFAULTS["workflow.on_violation"]  # type: ignore[assignment]
    assignable: str = DEFAULTS["workflow.assignable"]  # type: ignore[assignment]
    closed_issues: str = DEFAULTS["workflow.closed_issues"]  # type: ignore[assignment]
    closed_lookback_hours: float = DEFAULTS["sync.closed_lookback_hours"]  # type: ignore[assignment]
    recent_hours: float = DEFAULTS["sync.recent_hours"]  # type: ignore[assignment]
    roster: tuple[str, ...] = ()
    former_bots: tuple[str, ...] = ()  # earlier gl-cs users (after a token change): their work is gl-cs's
    bots: tuple[str, ...] = ()  # the accounts gl-cs runs as (its token's user is always one too)
    intake_applies_to: object = DEFAULTS["intake.applies_to"]  # "all" | ("label", name) | ("marker", text)
    intake_states: tuple[str, ...] = ()
    intake_fields: tuple[FieldSpec, ...] = ()
    intake_placeholders: tuple[str, ...] = DEFAULT_PLACEHOLDERS
    intake_template_checkboxes: tuple[str, ...] | None = None
    #: "ask": a field answered only by "see above", "same as last time" or a link
    #: alone is asked for; "accept": it counts as answered
    intake_unsure: str = DEFAULTS["intake.unsure"]  # type: ignore[assignment]
    day_first: bool = DEFAULTS["expedite.date_order"] == "day_first"
    fiscal_start_month: int = DEFAULTS["fiscal_quarter.start_month"]  # type: ignore[assignment]
    fiscal_label_format: str = DEFAULTS["fiscal_quarter.label_format"]  # type: ignore[assignment]
    services_phrases: tuple[str, ...] = ()
    triage: TriageConfig = field(default_factory=TriageConfig)
    # -- kinds of request opened from their own templates (rules.yml ``kinds``) --------
    kinds: tuple[KindSpec, ...] = ()
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
    @property
    def sa_capacity(self) -> int:
        """Open SA Triaged + SA Doing issues an SA may hold (``triage.capacity``): the one
        number the summary's load table and the Live Optimization assignment share."""
        return self.triage.capacity

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
