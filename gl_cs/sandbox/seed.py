"""A realistic "SA Service Desk" for demos, tests and benchmarks.

:func:`seed_service_desk` fills a :class:`~gl_cs.sandbox.store.Store` with the
project ``sa-team/sa-service-desk``: a bot user, Solutions Architects (SAs,
Developer), Account Executives (AEs, Reporter), a manager, a guest and an
outsider who is not a member; the workflow labels (``SA Backlog`` ...
``SA Action Items``, ``EXPEDITE``) plus unmanaged ones; and ~30 "SA Activity"
requests written the way AEs really write them (every Markdown style, leftover
template comments, placeholders, time zones, emoji, non-Latin names) covering
the label situations gl-cs must handle. Every date in a description is computed
from ``now``, so "tomorrow's meeting" is always tomorrow.

The returned dict maps scenario keys to iids (``info["scenarios"]["expedite_week_away"]``);
see :data:`SCENARIO_KEYS` for the list. For large ``n_issues`` (benchmarks) the
scenarios are cycled with rotating customers; only the first round is listed
in ``scenarios``.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable
from zoneinfo import ZoneInfo

from .errors import NotFound
from .store import DEVELOPER, GUEST, MAINTAINER, REPORTER, Store

PROJECT_PATH = "sa-team/sa-service-desk"
BOT_USERNAME = "gl-cs-bot"
BOT_TOKEN = "sandbox-token"

SA_USERS = {"ana.sa": "Ana Souza", "ben.sa": "Ben Okafor", "chen.sa": "Chen Wei",
            "dara.sa": "Dara Nikolaidis"}
AE_USERS = {"eve.ae": "Eve Martins", "finn.ae": "Finn Larsen", "gus.ae": "Gus Oyelaran",
            "hana.ae": "Hana Kobayashi", "ivan.ae": "Ivan Petrov"}
MANAGER_USERNAME = "maya.lead"
GUEST_USERNAME = "gwen.guest"
OUTSIDER_USERNAME = "olly.outsider"

WORKFLOW_LABELS = ["SA Backlog", "SA Triaged", "SA Doing", "SA Waiting", "SA Action Items"]
MANAGED_LABELS: dict[str, tuple[str, str]] = {
    "SA Backlog": ("#428BCA", "New SA activity request, not yet triaged"),
    "SA Triaged": ("#F0AD4E", "Triaged: an SA is assigned and the request is complete"),
    "SA Doing": ("#5CB85C", "An SA is actively working on this"),
    "SA Waiting": ("#8E44AD", "Waiting on the AE or the customer"),
    "SA Action Items": ("#D9534F", "Follow-ups after the activity took place"),
    "EXPEDITE": ("#FF0000", "Needs an SA within 24 hours"),
    "Services": ("#6699CC", "Professional Services involvement"),
    "FY27-Q3": ("#AAAAAA", "Fiscal quarter"),
}
UNMANAGED_LABELS: dict[str, tuple[str, str]] = {
    "customer::acme": ("#330066", "Customer: Acme Corp"),
    "customer::globex": ("#330066", "Customer: Globex"),
    "Priority::1": ("#CC0033", "Highest priority"),
    "Priority::2": ("#FC9403", ""),
}

FIELDS = ["Customer Information", "Preferred Date Options", "Opportunity Details", "Outcome",
          "Challenges", "Infrastructure", "SA Tasks"]

TEMPLATE_COMMENTS = {
    "Customer Information": "<!-- Customer name, segment, region, main contact -->",
    "Preferred Date Options": "<!-- Give at least two options, with time zone -->",
    "Opportunity Details": "<!-- Stage, ARR, SFDC link -->",
    "Outcome": "<!-- What does success look like for this activity? -->",
    "Challenges": "<!-- Technical / business challenges the customer mentioned -->",
    "Infrastructure": "<!-- SaaS / self-managed / Dedicated, version, cloud, size -->",
    "SA Tasks": "<!-- What do you need from the SA? -->",
}

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


# --------------------------------------------------------------------------- customers


@dataclass(frozen=True)
class Customer:
    name: str
    segment: str
    region: str
    contact: str
    role: str
    arr: int
    infra: str


CUSTOMERS = [
    Customer("Acme Corp", "Enterprise", "AMER West", "Wile Coyote", "Director of Platform", 240,
             "Self-managed 17.8 on AWS EKS, ~2,000 users, autoscaling runners on EC2"),
    Customer("Globex", "Enterprise", "EMEA Central", "Hank Scorpio", "VP Engineering", 410,
             "GitLab.com Premium, 900 seats, Jenkins still runs the deploys"),
    Customer("Initech", "Mid-Market", "AMER East", "Bill Lumbergh", "IT Manager", 85,
             "Self-managed 16.11 on a single VM in their own datacenter"),
    Customer("Umbrella Health", "Enterprise", "AMER East", "Alice Abernathy", "CISO", 530,
             "GitLab Dedicated evaluation; today Bitbucket Data Center + Bamboo"),
    Customer("Stark Logistics", "Strategic", "AMER Central", "Pepper Potts", "CTO", 1200,
             "Self-managed Geo (2 sites), Kubernetes runners on GKE"),
    Customer("Wayne Financial", "Enterprise", "AMER East", "Lucius Fox", "Head of DevEx", 375,
             "GitLab.com Ultimate trial, SAML via Okta"),
    Customer("Hooli", "Enterprise", "AMER West", "Gavin Belson", "Chief Architect", 610,
             "GitHub Enterprise + CircleCI today, migrating 3,000 repos"),
    Customer("Vandelay Industries", "SMB", "AMER East", "Art Vandelay", "Founder", 24,
             "GitLab.com Free, 40 users"),
    Customer("Soylent Foods", "Mid-Market", "EMEA North", "Sol Roth", "DevOps Lead", 120,
             "Self-managed 17.2 on Azure AKS"),
    Customer("Tyrell Systems", "Strategic", "APJ", "Rachael Tyrell", "Platform PM", 880,
             "Self-managed 17.5, air-gapped, RHEL 9"),
    Customer("Cyberdyne", "Enterprise", "AMER West", "Miles Dyson", "Engineering Director", 300,
             "GitLab.com Premium, runners on AWS Fargate"),
    Customer("Massive Dynamic", "Strategic", "AMER East", "Nina Sharp", "COO", 990,
             "Self-managed 16.8 on OpenShift"),
    Customer("Oscorp", "Enterprise", "AMER East", "Norman Osborn", "CTO", 450,
             "GitLab.com Ultimate, 1,500 seats, security dashboards unused"),
    Customer("Pied Piper", "Mid-Market", "AMER West", "Richard Hendricks", "CEO", 60,
             "GitLab.com Premium"),
]


# --------------------------------------------------------------------------- date formats


def _at(now: dt.datetime, delta: dt.timedelta, tz: str, hour: int | None = None) -> dt.datetime:
    """``now + delta`` in time zone ``tz``, rounded to the nearest hour; with ``hour``,
    that local hour of the same local day instead (realistic, but only +-12 h exact)."""
    local = (now + delta).astimezone(ZoneInfo(tz))
    if hour is not None:
        return local.replace(hour=hour, minute=0, second=0, microsecond=0)
    rounded = local.replace(minute=0, second=0, microsecond=0)
    if local.minute >= 30:
        rounded += H
    return rounded


def _weekday(t: dt.datetime) -> dt.datetime:
    """Move a Saturday/Sunday to the next Monday (AEs propose business days)."""
    return t + (7 - t.weekday()) * D if t.weekday() >= 5 else t


def _hour12(t: dt.datetime) -> str:
    hour = t.hour % 12 or 12
    return f"{hour}{'am' if t.hour < 12 else 'pm'}"


def fmt_us_short(t: dt.datetime, zone: str = "PT") -> str:
    """``Tue Nov 24, 10am PT``."""
    return f"{t:%a %b} {t.day}, {_hour12(t)} {zone}"


def fmt_eu_numeric(t: dt.datetime) -> str:
    """``24/11/2026 14:00 CET`` (the zone's real abbreviation)."""
    return f"{t:%d/%m/%Y %H:%M} {t.tzname()}"


def fmt_iso(t: dt.datetime) -> str:
    """``2026-11-24T14:00+09:00``."""
    return t.isoformat(timespec="minutes")


def fmt_long(t: dt.datetime) -> str:
    """``Thursday 26 November 2026, 09:00 GMT``."""
    return f"{t:%A} {t.day} {t:%B %Y, %H:%M} {t.tzname()}"


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def fmt_us_long(t: dt.datetime, zone: str) -> str:
    """``November 24th at 2:00 PM ET``."""
    return f"{t:%B} {_ordinal(t.day)} at {t.hour % 12 or 12}:{t:%M %p} {zone}"


def fmt_jp(t: dt.datetime) -> str:
    """``2026年11月24日 14:00 JST``."""
    return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M} JST"


def fmt_dotted(t: dt.datetime, zone: str) -> str:
    """``24.11.2026 09:00 MSK``."""
    return f"{t:%d.%m.%Y %H:%M} {zone}"


# --------------------------------------------------------------------------- description styles


def render_headings(fields: dict[str, str], level: int = 2, comments: bool = False,
                    names: dict[str, str] | None = None) -> str:
    """``## Customer Information`` sections (``names`` overrides the heading text)."""
    parts = []
    for name in FIELDS:
        if name not in fields:
            continue
        heading = (names or {}).get(name, name)
        block = f"{'#' * level} {heading}\n"
        if comments:
            block += TEMPLATE_COMMENTS[name] + "\n"
        parts.append(block + fields[name].strip() + "\n")
    return "\n".join(parts)


def render_bold(fields: dict[str, str]) -> str:
    """``**Outcome**: ...`` lines (multi-line values continue below)."""
    return "\n\n".join(f"**{name}**:{_inline(fields[name])}" for name in FIELDS if name in fields)


def render_plain(fields: dict[str, str]) -> str:
    """``Outcome: ...`` lines."""
    return "\n".join(f"{name}:{_inline(fields[name])}" for name in FIELDS if name in fields)


def _inline(value: str) -> str:
    """A value after ``Label:``: same line, or from the next line when it is multi-line."""
    value = value.strip()
    return ("\n" if "\n" in value else " ") + value


def render_table(fields: dict[str, str]) -> str:
    rows = [f"| {name} | {fields[name].strip().replace(chr(10), '<br>')} |"
            for name in FIELDS if name in fields]
    return "| Field | Details |\n|-------|---------|\n" + "\n".join(rows)


def render_bullets(fields: dict[str, str]) -> str:
    lines = []
    for name in FIELDS:
        if name not in fields:
            continue
        value = fields[name].strip().split("\n")
        lines.append(f"- **{name}:** {value[0]}")
        lines.extend(f"  {rest}" for rest in value[1:])
    return "\n".join(lines)


def base_fields(c: Customer, dates: str, *, outcome: str | None = None,
                challenges: str | None = None, tasks: str | None = None) -> dict[str, str]:
    """The seven template fields, filled in the usual way for customer ``c``."""
    return {
        "Customer Information": f"{c.name} ({c.segment}, {c.region}). Main contact: {c.contact}, "
                               f"{c.role}.",
        "Preferred Date Options": dates,
        "Opportunity Details": f"Stage 3 - Technical Evaluation, ~${c.arr}k ARR, Premium -> Ultimate. "
                               f"SFDC: https://example.my.salesforce.com/006{zlib.crc32(c.name.encode()) % 10**9:09d}",
        "Outcome": outcome or "Customer agrees on POV success criteria and books the technical "
                              "validation workshop.",
        "Challenges": challenges or "Pipelines take 45+ minutes, no security scanning in MRs, "
                                    "auditors want traceability from ticket to deploy.",
        "Infrastructure": c.infra,
        "SA Tasks": tasks or "- [ ] Discovery call with the platform team\n"
                             "- [ ] Demo of MR pipelines + security scanning\n"
                             "- [ ] Send reference architecture",
    }


# --------------------------------------------------------------------------- scenarios


@dataclass
class IssueSpec:
    """One seeded issue; times are offsets from ``now``."""

    key: str
    title: str
    description: str
    author: str
    labels: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    created: dt.timedelta = -1 * D
    updated: dt.timedelta | None = None
    events: list[tuple[str | None, str, str, dt.timedelta]] | None = None
    notes: list[tuple[str, str, dt.timedelta, bool]] = field(default_factory=list)
    state: str = "opened"
    closed: dt.timedelta | None = None
    closed_by: str | None = None


def flow(*steps: tuple[str, str, dt.timedelta]) -> list[tuple[str, str, str, dt.timedelta]]:
    """Workflow history: each step adds a label and removes the previous one (GitLab order:
    the add event first, then the remove event, same timestamp)."""
    events: list[tuple[str, str, str, dt.timedelta]] = []
    previous = None
    for user, label, when in steps:
        events.append((user, "add", label, when))
        if previous:
            events.append((user, "remove", previous, when))
        previous = label
    return events


@dataclass
class Ctx:
    now: dt.datetime
    cycle: int

    def customer(self, index: int) -> Customer:
        return CUSTOMERS[(index + self.cycle * 5) % len(CUSTOMERS)]


BOT = BOT_USERNAME
OUT = OUTSIDER_USERNAME


def s_new_h2_3days(x: Ctx) -> IssueSpec:
    c = x.customer(0)
    d1, d2 = _at(x.now, 3 * D, "America/Los_Angeles", 10), _at(x.now, 4 * D, "America/Los_Angeles", 14)
    dates = f"Option 1: {fmt_us_short(d1)}\nOption 2: {fmt_us_short(d2)}"
    return IssueSpec("new_h2_3days", f"SA Activity: {c.name} - technical discovery",
                     render_headings(base_fields(c, dates)), "eve.ae", created=-2 * H)


def s_new_bold_under24h(x: Ctx) -> IssueSpec:
    c = x.customer(1)
    d1 = _at(x.now, 18 * H, "Europe/Berlin")
    fields = base_fields(c, f"{fmt_eu_numeric(d1)} (only slot the CTO has!)",
                         outcome="Security sign-off so procurement can start this quarter.")
    return IssueSpec("new_bold_under24h", f"{c.name} security deep-dive TOMORROW",
                     render_bold(fields), "finn.ae", labels=["customer::globex"], created=-3 * H)


def s_backlog_plain_passed(x: Ctx) -> IssueSpec:
    c = x.customer(2)
    d1 = _at(x.now, -2 * D, "UTC", 15)
    fields = base_fields(c, f"{fmt_iso(d1)} (UTC) or the day after, same time")
    return IssueSpec("backlog_plain_passed", f"SA Activity - {c.name} CI migration workshop",
                     render_plain(fields), "gus.ae", labels=["SA Backlog"], created=-6 * D,
                     events=flow((BOT, "SA Backlog", -6 * D + 2 * dt.timedelta(minutes=1))))


def s_two_workflow_backlog_triaged(x: Ctx) -> IssueSpec:
    c = x.customer(3)
    d1 = _weekday(_at(x.now, 6 * D, "America/New_York", 14))
    dates = f"- {fmt_us_long(d1, 'ET')}\n- {fmt_us_long(d1 + D, 'ET')}"
    return IssueSpec(
        "two_workflow_backlog_triaged", f"SA Activity: {c.name} - Dedicated architecture review",
        render_headings(base_fields(c, dates), level=3), "eve.ae",
        labels=["SA Backlog", "SA Triaged"], assignees=["ana.sa"], created=-5 * D,
        events=[(BOT, "add", "SA Backlog", -5 * D + 60 * dt.timedelta(seconds=1)),
                ("ana.sa", "add", "SA Triaged", -2 * D)],
        notes=[("ana.sa", "Picking this up, @eve.ae can you share the customer's current topology?",
                -2 * D, False),
               ("ana.sa", "assigned to @ana.sa", -2 * D, True)])


def s_two_workflow_doing_waiting(x: Ctx) -> IssueSpec:
    c = x.customer(4)
    d1 = _at(x.now, 2 * D, "America/Chicago", 9)
    dates = f"{fmt_us_short(d1, 'CT')} / {fmt_us_short(d1 + 3 * H, 'CT')}"
    return IssueSpec(
        "two_workflow_doing_waiting", f"{c.name}: Geo + DR design session",
        render_headings(base_fields(c, dates)), "hana.ae", labels=["SA Doing", "SA Waiting"],
        assignees=["ben.sa"], created=-9 * D,
        events=flow((BOT, "SA Backlog", -9 * D), ("ben.sa", "SA Triaged", -8 * D),
                    ("ben.sa", "SA Doing", -6 * D)) + [("chen.sa", "add", "SA Waiting", -1 * D)])


def s_triaged_no_assignee_by_member(x: Ctx) -> IssueSpec:
    c = x.customer(5)
    d1 = _weekday(_at(x.now, 5 * D, "America/New_York", 11))
    return IssueSpec(
        "triaged_no_assignee_by_member", f"SA Activity: {c.name} SAML/SCIM questions",
        render_headings(base_fields(c, f"{fmt_us_long(d1, 'EST')} or any time that week")),
        "finn.ae", labels=["SA Triaged"], created=-3 * D,
        events=flow((BOT, "SA Backlog", -3 * D), ("ben.sa", "SA Triaged", -1 * D)))


def s_triaged_no_assignee_by_outsider(x: Ctx) -> IssueSpec:
    c = x.customer(6)
    d1 = _at(x.now, 4 * D, "America/Los_Angeles", 13)
    return IssueSpec(
        "triaged_no_assignee_by_outsider", f"{c.name} migration from GitHub - need SA",
        render_headings(base_fields(c, fmt_us_short(d1, "PST"))), "gus.ae",
        labels=["SA Triaged"], created=-2 * D,
        events=flow((BOT, "SA Backlog", -2 * D), (OUT, "SA Triaged", -20 * H)),
        notes=[(OUT, "Triaged this myself so it gets picked up faster :)", -20 * H, False)])


def s_doing_no_assignee_by_member(x: Ctx) -> IssueSpec:
    c = x.customer(7)
    d1 = _at(x.now, 1 * D + 6 * H, "America/New_York")
    return IssueSpec(
        "doing_no_assignee_by_member", f"SA Activity: {c.name} - runner sizing",
        render_headings(base_fields(c, fmt_us_long(d1, "ET"))), "eve.ae", labels=["SA Doing"],
        created=-7 * D,
        events=flow((BOT, "SA Backlog", -7 * D), ("chen.sa", "SA Triaged", -5 * D),
                    ("chen.sa", "SA Doing", -2 * D)))


def s_doing_no_assignee_by_outsider(x: Ctx) -> IssueSpec:
    c = x.customer(8)
    d1 = _at(x.now, 3 * D, "Europe/Stockholm", 10)
    return IssueSpec(
        "doing_no_assignee_by_outsider", f"{c.name} - AKS runner autoscaling review",
        render_bold(base_fields(c, fmt_eu_numeric(d1))), "hana.ae", labels=["SA Doing"],
        created=-4 * D,
        events=flow((BOT, "SA Backlog", -4 * D), (OUT, "SA Doing", -1 * D)))


def s_backlog_to_doing_jump(x: Ctx) -> IssueSpec:
    c = x.customer(9)
    d1 = _at(x.now, 2 * D, "Asia/Tokyo", 10)
    dates = f"{fmt_iso(d1)} (their time) — that's {fmt_us_short(d1.astimezone(ZoneInfo('America/Los_Angeles')))} for us"
    return IssueSpec(
        "backlog_to_doing_jump", f"SA Activity: {c.name} air-gapped install review",
        render_headings(base_fields(c, dates), level=2), "ivan.ae", labels=["SA Doing"],
        assignees=["dara.sa"], created=-6 * D,
        # 20 hours ago, well inside sync.recent_hours: a sync run by hand a little later
        # than the seed (the standalone sandbox, the real clock) still checks this move.
        events=flow((BOT, "SA Backlog", -6 * D), ("dara.sa", "SA Doing", -20 * H)))


def s_closed_with_doing(x: Ctx) -> IssueSpec:
    c = x.customer(10)
    d1 = _at(x.now, -5 * D, "America/Los_Angeles", 11)
    return IssueSpec(
        "closed_with_doing", f"SA Activity: {c.name} Fargate runners demo",
        render_headings(base_fields(c, fmt_us_short(d1))), "eve.ae", labels=["SA Doing"],
        assignees=["ana.sa"], created=-14 * D,
        events=flow((BOT, "SA Backlog", -14 * D), ("ana.sa", "SA Triaged", -12 * D),
                    ("ana.sa", "SA Doing", -8 * D)),
        notes=[("eve.ae", "Demo went great, closing. Thanks @ana.sa! :tada:", -2 * D, False)],
        state="closed", closed=-2 * D, closed_by="eve.ae")


def s_expedite_week_away(x: Ctx) -> IssueSpec:
    c = x.customer(11)
    d1 = _at(x.now, 7 * D, "America/New_York", 15)
    fields = base_fields(c, f"{fmt_us_long(d1, 'ET')} — URGENT, please expedite!!!",
                         outcome="Exec alignment before their budget cycle.")
    return IssueSpec(
        "expedite_week_away", f"URGENT!!! {c.name} exec briefing", render_headings(fields),
        "finn.ae", labels=["SA Backlog", "EXPEDITE"], created=-1 * D,
        events=[("finn.ae", "add", "EXPEDITE", -1 * D), (BOT, "add", "SA Backlog", -1 * D + 5 * H)])


def s_expedite_legit_under24h(x: Ctx) -> IssueSpec:
    c = x.customer(12)
    d1 = _at(x.now, 16 * H, "America/New_York")
    return IssueSpec(
        "expedite_legit_under24h", f"{c.name}: security dashboards walkthrough (tomorrow)",
        render_headings(base_fields(c, f"{fmt_us_short(d1, 'ET')} - the only slot, sorry!")),
        "gus.ae", labels=["SA Triaged", "EXPEDITE"], assignees=["chen.sa"], created=-20 * H,
        events=[(BOT, "add", "SA Backlog", -20 * H), ("gus.ae", "add", "EXPEDITE", -20 * H),
                ("chen.sa", "add", "SA Triaged", -10 * H),
                ("chen.sa", "remove", "SA Backlog", -10 * H)])


def s_action_items(x: Ctx) -> IssueSpec:
    c = x.customer(0)
    return IssueSpec(
        "action_items", f"Action items: {c.name} discovery workshop",
        "Follow-ups from the workshop on "
        f"{fmt_us_short(_at(x.now, -3 * D, 'America/Los_Angeles', 9))}:\n\n"
        "- [x] Share the slide deck\n- [ ] Send the reference architecture for 3k users\n"
        "- [ ] Intro to Professional Services for the migration SOW\n"
        "- [ ] Follow up on runner autoscaling questions (@eve.ae to schedule)",
        "dara.sa", labels=["SA Action Items"], assignees=["dara.sa"], created=-3 * D,
        events=[("dara.sa", "add", "SA Action Items", -3 * D)])


def s_table_style(x: Ctx) -> IssueSpec:
    c = x.customer(13)
    d1 = _at(x.now, 3 * D, "Asia/Tokyo", 9)
    pt = d1.astimezone(ZoneInfo("America/Los_Angeles"))
    dates = f"{d1:%b} {d1.day} {d1:%H:%M} JST / {pt:%b} {pt.day} {pt:%H:%M} PT"
    return IssueSpec(
        "table_style", f"SA Activity | {c.name} | CI/CD modernization",
        "Please see details below.\n\n" + render_table(base_fields(c, dates)), "hana.ae",
        labels=["SA Triaged"], assignees=["ana.sa"], created=-2 * D,
        events=flow((BOT, "SA Backlog", -2 * D), ("ana.sa", "SA Triaged", -1 * D)))


def s_bullets_style(x: Ctx) -> IssueSpec:
    c = x.customer(1)
    d1 = _weekday(_at(x.now, 5 * D, "America/New_York", 15))
    d2 = _weekday(d1 + D).replace(hour=11)
    dates = f"{d1:%A} {_hour12(d1)} ET or {d2:%A} {_hour12(d2)} ET ({d1:%b} {d1.day}/{d2.day})"
    return IssueSpec("bullets_style", f"Need SA: {c.name} value stream assessment",
                     "Hi SA team!\n\n" + render_bullets(base_fields(c, dates)), "ivan.ae",
                     created=-5 * H)


def s_template_comments_placeholders(x: Ctx) -> IssueSpec:
    c = x.customer(2)
    fields = base_fields(c, "TBD")
    fields["Opportunity Details"] = "<enter here>"
    fields["Challenges"] = "TBD"
    fields["Infrastructure"] = "<enter here>"
    fields["SA Tasks"] = "- [ ] <enter here>"
    return IssueSpec("template_comments_placeholders", f"SA Activity: {c.name}",
                     "<!-- Please fill in ALL sections. Requests without dates are not triaged. -->\n\n"
                     + render_headings(fields, comments=True), "eve.ae", created=-26 * H)


def s_missing_fields(x: Ctx) -> IssueSpec:
    c = x.customer(3)
    fields = base_fields(c, "")
    kept = {k: fields[k] for k in ("Customer Information", "Outcome")}
    kept["Outcome"] = "Need an SA on a call with them, they have questions about pricing tiers."
    return IssueSpec("missing_fields", f"{c.name} call", render_headings(kept), "finn.ae",
                     created=-30 * H)


def s_professional_services(x: Ctx) -> IssueSpec:
    c = x.customer(4)
    d1 = _weekday(_at(x.now, 9 * D, "Europe/London", 9)).replace(minute=30)
    fields = base_fields(
        c, fmt_long(d1),
        outcome="Scope the migration so professional services can write the SOW.",
        tasks="- [ ] Joint call with PS (professional services) to scope the migration\n"
              "- [ ] Estimate PS days for 1,200 projects")
    return IssueSpec("professional_services", f"SA + PS: {c.name} Bitbucket migration scoping",
                     render_headings(fields), "gus.ae",
                     labels=["SA Backlog", "FY27-Q3"], created=-2 * D,
                     events=[("gus.ae", "add", "FY27-Q3", -2 * D),
                             (BOT, "add", "SA Backlog", -2 * D + 10 * dt.timedelta(minutes=1))])


def s_quick_action_in_code_block(x: Ctx) -> IssueSpec:
    c = x.customer(5)
    d1 = _at(x.now, 4 * D, "America/Los_Angeles", 10)
    fields = base_fields(
        c, fmt_us_short(d1),
        challenges="They copy-pasted this from their own template and it did nothing:\n\n"
                   "```\n/label ~EXPEDITE\n/assign @ana.sa\n```\n\n"
                   "Can we explain how quick actions work?")
    return IssueSpec("quick_action_in_code_block", f"{c.name}: quick actions + templates Q&A",
                     render_headings(fields), "hana.ae", labels=["SA Backlog"], created=-1 * D,
                     events=flow((BOT, "SA Backlog", -1 * D)))


def s_quick_action_quoted(x: Ctx) -> IssueSpec:
    c = x.customer(6)
    d1 = _at(x.now, 3 * D, "America/Denver", 13)
    fields = base_fields(
        c, fmt_us_short(d1, "MT"),
        challenges="Customer's email:\n\n> We tried typing\n> /label ~\"SA Doing\"\n"
                   "> in a comment and nothing happened?\n\n"
                   "Also they want to know why \\/close shows up literally.")
    return IssueSpec("quick_action_quoted", f"SA Activity: {c.name} workflow automation",
                     render_headings(fields), "ivan.ae", created=-10 * H)


def s_emoji(x: Ctx) -> IssueSpec:
    c = x.customer(7)
    d1 = _at(x.now, 2 * D, "Australia/Sydney", 9)
    fields = base_fields(c, f"🗓️ {fmt_long(d1)} (Sydney) 🙏",
                         outcome="🚀 Customer commits to the Ultimate POV 🎉",
                         challenges="🔥 builds are slow 🐢, 🔒 no SAST/DAST")
    return IssueSpec("emoji", f"🚀 {c.name} POV kickoff 🚀", render_headings(fields, level=1),
                     "eve.ae", labels=["SA Triaged"], assignees=["ben.sa"], created=-1 * D,
                     events=flow((BOT, "SA Backlog", -1 * D), ("ben.sa", "SA Triaged", -12 * H)))


def s_non_latin_japanese(x: Ctx) -> IssueSpec:
    c = Customer("株式会社サクラ精機 (Sakura Seiki KK)", "Enterprise", "APJ", "佐藤 花子 (Hanako Sato)",
                 "DevOps部 部長", 320, "Self-managed 17.9 on-prem, 800 users, Japanese UI")
    d1 = _at(x.now, 3 * D, "Asia/Tokyo", 14)
    fields = base_fields(c, f"{fmt_jp(d1)}（第一希望）\n{fmt_jp(d1 + D)}（第二希望）",
                         outcome="本番環境へのGitLab Ultimate導入の技術検証 (technical validation)")
    return IssueSpec("non_latin_japanese", "SA Activity: 株式会社サクラ精機 - 技術検証",
                     render_headings(fields), "finn.ae", labels=["SA Backlog"], created=-1 * D,
                     events=flow((BOT, "SA Backlog", -1 * D)))


def s_non_latin_mixed(x: Ctx) -> IssueSpec:
    c = Customer("ООО «Полярная Звезда»", "Mid-Market", "EMEA East", "Лейла Хаддад / ليلى حداد",
                 "Head of Engineering", 140, "Self-managed 17.4 on bare metal, Müller & Söhne "
                 "GmbH runs their datacenter")
    d1 = _at(x.now, 20 * H, "Europe/Moscow")
    fields = base_fields(c, f"{fmt_dotted(d1, 'MSK')} или {fmt_dotted(d1 + 2 * D, 'MSK')}")
    return IssueSpec("non_latin_mixed", "SA Activity: ООО «Полярная Звезда» migration",
                     render_bold(fields), "gus.ae", created=-4 * H)


def s_waiting_stale(x: Ctx) -> IssueSpec:
    c = x.customer(8)
    d1 = _at(x.now, -25 * D, "Europe/Stockholm", 14)
    return IssueSpec(
        "waiting_stale", f"SA Activity: {c.name} compliance pipelines",
        render_headings(base_fields(c, fmt_eu_numeric(d1))), "hana.ae", labels=["SA Waiting"],
        assignees=["chen.sa"], created=-30 * D, updated=-20 * D,
        events=flow((BOT, "SA Backlog", -30 * D), ("chen.sa", "SA Triaged", -29 * D),
                    ("chen.sa", "SA Doing", -27 * D), ("chen.sa", "SA Waiting", -21 * D)),
        notes=[("chen.sa", "@hana.ae waiting on the customer's network diagram, any update?",
                -20 * D, False)])


def s_doing_healthy(x: Ctx) -> IssueSpec:
    c = x.customer(9)
    d1 = _at(x.now, 2 * D, "America/Los_Angeles", 11)
    return IssueSpec(
        "doing_healthy", f"SA Activity: {c.name} - pipeline efficiency workshop",
        render_headings(base_fields(c, fmt_us_short(d1))), "ivan.ae", labels=["SA Doing"],
        assignees=["dara.sa"], created=-5 * D,
        events=flow((BOT, "SA Backlog", -5 * D), ("dara.sa", "SA Triaged", -4 * D),
                    ("dara.sa", "SA Doing", -3 * D)),
        notes=[("dara.sa", "assigned to @dara.sa", -4 * D, True),
               ("dara.sa", "Agenda drafted, sharing with @ivan.ae tomorrow.", -1 * D, False)])


def s_closed_clean(x: Ctx) -> IssueSpec:
    c = x.customer(10)
    return IssueSpec(
        "closed_clean", f"SA Activity: {c.name} roadmap session",
        render_headings(base_fields(c, fmt_us_short(_at(x.now, -20 * D, "America/Los_Angeles", 10)))),
        "eve.ae", labels=["FY27-Q3"], created=-30 * D, state="closed", closed=-10 * D,
        closed_by="ana.sa")


def s_title_only(x: Ctx) -> IssueSpec:
    return IssueSpec("title_only", "need SA help asap", "", OUT, created=-90 * dt.timedelta(minutes=1))


def s_unmanaged_only(x: Ctx) -> IssueSpec:
    c = x.customer(0)
    fields = base_fields(c, "any afternoon next week (PT), flexible")
    return IssueSpec("unmanaged_only", f"{c.name} renewal - technical questions",
                     render_plain(fields), "gus.ae", labels=["customer::acme", "Priority::1"],
                     created=-8 * H)


def s_services_typos_h4(x: Ctx) -> IssueSpec:
    c = x.customer(11)
    d1 = _at(x.now, 2 * D, "Europe/Paris", 9)
    d2 = d1 + D
    dates = f"{d1.day}/{d1.month} or {d2.day}/{d2.month}, mornings {d1.tzname()}"
    names = {"Preferred Date Options": "Prefered Date Options",
             "Opportunity Details": "Opportunity details", "SA Tasks": "SA tasks"}
    return IssueSpec(
        "services_typos_h4", f"sa activity: {c.name} (PS-led rollout)",
        render_headings(base_fields(c, dates), level=4, names=names), "hana.ae",
        labels=["SA Triaged", "Services", "FY27-Q3"], assignees=["ana.sa"], created=-3 * D,
        events=[("hana.ae", "add", "Services", -3 * D), ("hana.ae", "add", "FY27-Q3", -3 * D)]
        + flow((BOT, "SA Backlog", -3 * D), ("ana.sa", "SA Triaged", -2 * D)))


SCENARIOS: list[Callable[[Ctx], IssueSpec]] = [
    s_new_h2_3days, s_new_bold_under24h, s_backlog_plain_passed, s_two_workflow_backlog_triaged,
    s_two_workflow_doing_waiting, s_triaged_no_assignee_by_member,
    s_triaged_no_assignee_by_outsider, s_doing_no_assignee_by_member,
    s_doing_no_assignee_by_outsider, s_backlog_to_doing_jump, s_closed_with_doing,
    s_expedite_week_away, s_expedite_legit_under24h, s_action_items, s_table_style,
    s_bullets_style, s_template_comments_placeholders, s_missing_fields, s_professional_services,
    s_quick_action_in_code_block, s_quick_action_quoted, s_emoji, s_non_latin_japanese,
    s_non_latin_mixed, s_waiting_stale, s_doing_healthy, s_closed_clean, s_title_only,
    s_unmanaged_only, s_services_typos_h4,
]
#: Scenario keys in seeding order (the first ``len(SCENARIOS)`` iids, starting at 1).
SCENARIO_KEYS = [s.__name__[2:] for s in SCENARIOS]


# --------------------------------------------------------------------------- seeding


#: A complete SA Activity request with an event three days after 2026-11-23 and
#: nothing that triggers Services: the settled desk of the tests and benchmarks.
COMPLETE_REQUEST = """## Customer Information
Initech, 250 seats, https://example.my.salesforce.com/0061a00000AbCdE

## Preferred Date Options
2026-11-26 10:00 America/New_York

## Opportunity Details
$120k, closing in Q4

## Outcome
Faster releases with fewer tools.

## Challenges
Jenkins sprawl, slow audits.

## Infrastructure
Jenkins, Bitbucket, Jira.

## SA Tasks
Demo of CI/CD and security scanning.
"""


def seed_users_and_labels(store: Store, project_path: str = PROJECT_PATH, *, name: str = "SA Service Desk",
                          topics: tuple[str, ...] = ()) -> dict[str, Any]:
    """Create the project, users, tokens, members and labels (no issues). The users and
    their tokens are made once per store: a second desk gets the same people as members."""
    project = store.add_project(project_path, name=name, description="Requests for Solutions Architect activities",
                                topics=topics)
    pid = project["id"]
    users: dict[str, int] = {}
    tokens: dict[str, str] = {}

    def user(username: str, name: str, level: int | None, bot: bool = False) -> None:
        token = BOT_TOKEN if username == BOT_USERNAME else f"sandbox-token-{username}"
        try:
            users[username] = store.user(username)["id"]
        except NotFound:
            users[username] = store.add_user(username, name, bot=bot)["id"]
            store.add_token(token, username)
        tokens[username] = token
        if level is not None:
            store.add_member(pid, username, level)

    user(BOT_USERNAME, "gl-cs bot", DEVELOPER, bot=True)
    user(MANAGER_USERNAME, "Maya Lindqvist", MAINTAINER)
    for username, name in SA_USERS.items():
        user(username, name, DEVELOPER)
    for username, name in AE_USERS.items():
        user(username, name, REPORTER)
    user(GUEST_USERNAME, "Gwen Guest", GUEST)
    user(OUTSIDER_USERNAME, "Olly Outsider", None)
    for name, (color, description) in {**MANAGED_LABELS, **UNMANAGED_LABELS}.items():
        store.add_label(pid, name, color, description)
    return {"project_id": pid, "users": users, "tokens": tokens}


#: Where GitLab looks for issue templates (doc/user/project/description_templates.md).
TEMPLATE_PATH = ".gitlab/issue_templates/SA Activity.md"


def seed_repository(store: Store, pid: int) -> dict[str, str]:
    """The project's repository (branch ``main``): the SA Activity issue template.
    Returns ``{path: text}`` of the files seeded."""
    files = {TEMPLATE_PATH: render_headings({name: "" for name in FIELDS}, comments=True)}
    for path, text in files.items():
        store.add_file(pid, path, text)
    return files


def _add_spec(store: Store, pid: int, now: dt.datetime, spec: IssueSpec, suffix: str = "") -> int:
    events = None
    if spec.events is not None:
        events = [(who, action, label, now + when) for who, action, label, when in spec.events]
    created = now + spec.created
    issue = store.add_issue(
        pid, spec.title + suffix, spec.description, author=spec.author, labels=spec.labels,
        assignees=spec.assignees, state=spec.state, created_at=created,
        updated_at=(now + spec.updated) if spec.updated is not None else None,
        label_events=events, closed_at=(now + spec.closed) if spec.closed is not None else None,
        closed_by=spec.closed_by)
    for author, body, when, system in spec.notes:
        store.add_note(pid, issue["iid"], body, author, system=system, created_at=now + when)
    return issue["iid"]


def seed_service_desk(store: Store, now: dt.datetime | None = None, n_issues: int = 30, *,
                      project_path: str = PROJECT_PATH, name: str = "SA Service Desk",
                      topics: tuple[str, ...] = ()) -> dict[str, Any]:
    """Seed the SA Service Desk into ``store``; dates are relative to ``now``. Another
    ``project_path`` seeds another desk of the same people (see ``seed_desks``).

    Returns ``project_id``, ``project_path``, ``token`` (the bot's), ``bot_username``,
    ``bot_user_id``, ``users`` (username -> id), ``tokens`` (username -> token),
    ``sa_usernames``, ``ae_usernames``, ``manager_username``, ``guest_username``,
    ``outsider_username``, ``workflow_labels``, ``scenarios`` (key -> iid), ``now`` and
    ``files`` (repository paths seeded on ``main``).
    """
    now = now or store.now()
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.timezone.utc)
    base = seed_users_and_labels(store, project_path, name=name, topics=topics)
    pid = base["project_id"]
    files = seed_repository(store, pid)
    scenarios: dict[str, int] = {}
    count = len(SCENARIOS)
    for index in range(n_issues):
        cycle, position = divmod(index, count)
        spec = SCENARIOS[position](Ctx(now, cycle))
        # Later rounds are a little older so that created_at stays unique and ordered.
        spec.created -= dt.timedelta(minutes=cycle)
        suffix = f" [{cycle + 1}]" if cycle else ""
        iid = _add_spec(store, pid, now, spec, suffix)
        if cycle == 0:
            scenarios[spec.key] = iid
    return {
        "project_id": pid, "project_path": project_path, "token": BOT_TOKEN,
        "bot_username": BOT_USERNAME, "bot_user_id": base["users"][BOT_USERNAME],
        "users": base["users"], "tokens": base["tokens"], "sa_usernames": list(SA_USERS),
        "ae_usernames": list(AE_USERS), "manager_username": MANAGER_USERNAME,
        "guest_username": GUEST_USERNAME, "outsider_username": OUTSIDER_USERNAME,
        "workflow_labels": list(WORKFLOW_LABELS), "scenarios": scenarios, "now": now,
        "files": sorted(files),
    }
