"""Run gl-cs on the unseen corpus and score its decisions (see FORMAT.md).

Each case becomes a project of its own in one GitLab sandbox: its desk issues (authors,
states, labels with their history, comments) and its request, with the numbers the case
gives them. One `gl-cs sync` (the real python-gitlab client over HTTP on 127.0.0.1, the
repository's rules.yml) runs at the case's clock; what it did is read back from the
sandbox: the issues it opened, what it said on the request, the labels the request has.

Must-level checks (a team lead cannot forgive these): what was opened, the kind of answer,
what was asked for, the reasons of a decline, EXPEDITE, Services. Should-level: the facts
gl-cs read (customer, dates, segment, partner, CSM, PS, SA) and who an opened issue is
assigned to.

    python tests/corpus_unseen/harness.py            # the score, and every miss
    python tests/corpus_unseen/harness.py b07 a12    # some cases, with what gl-cs did
    python tests/corpus_unseen/harness.py --holdout  # a corpus written after the reader (holdout/, holdout2/, ...)
    GL_CS_CORPUS_FACTS=1 python tests/corpus_unseen/harness.py --holdout3 g21   # and every issue's facts
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from gl_cs.app.desk import Desk  # noqa: E402
from gl_cs.app.sync import run_sync  # noqa: E402
from gl_cs.config import load_config  # noqa: E402
from gl_cs.decide.project_rules import PROJECT_RULES, ProjectRule  # noqa: E402
from gl_cs.gitlab.adapter import GitLab  # noqa: E402
from gl_cs.markers import markers_in  # noqa: E402
from gl_cs.sandbox import Sandbox, Store  # noqa: E402

NOW = dt.datetime(2026, 12, 7, 18, 0, tzinfo=dt.timezone.utc)
TOKEN = "corpus-bot-token"
BOT = "gl-cs-bot"
ROSTER = ("ana.sa", "ben.sa", "chen.sa", "dara.sa")
LABELS = ("SA Backlog", "SA Triaged - @ben.sa", "SA Doing", "SA Waiting", "SA Action Items", "EXPEDITE", "Services",
          "FY27-Q4", "Onboarding", "Live Optimization", "Renewal Review")
KIND_OF_KEY = {"onboarding": "checklist", "live-optimization": "session", "renewal": "renewal_review"}
FACT_NAMES = {"start_date": "start", "signing_date": "start"}

#: what gl-cs's comments ask for, by the names they show, to the corpus's words
ASKED = {
    "customer": "customer", "start date": "start_date", "signing date": "signing_date", "segment": "segment",
    "employees": "segment", "customer information": "customer_information",
    "preferred date options": "preferred_date_options", "opportunity details": "opportunity_details",
    "outcome": "outcome", "challenges": "challenges", "infrastructure": "infrastructure", "sa tasks": "sa_tasks",
    "earlier issue": "earlier_issue",
}
#: the reasons of a declined Live Optimization request, by the words of each
DECLINED = (
    ("for SMB accounts", "segment"), ("has a CSM/CSE", "csm"), ("sold through a partner", "partner"),
    ("Professional Services engagement", "ps"), ("window opens", "window_not_open"),
    ("window closed", "window_closed"), ("already had its Live Optimization session", "once"),
)


def load_cases(names: list[str] | None = None, folder: str = "cases") -> list[dict]:
    paths = sorted((HERE / folder).glob("*.yml"))
    cases = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in paths]
    return [c for c in cases if not names or c["id"] in names]


def _time(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(12), tzinfo=dt.timezone.utc)
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


@dataclass
class Observed:
    opened: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)  # (kind, title, assignees)
    answer: str = "none"
    asked: set[str] = field(default_factory=set)
    declined: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)
    facts: dict[str, str] = field(default_factory=dict)
    said: list[str] = field(default_factory=list)  # the comments' bodies, for a person reading a miss
    failures: list[str] = field(default_factory=list)


class Desks:
    """One sandbox for the whole corpus; a project per case."""

    def __init__(self) -> None:
        self.store = Store()
        self.store.clock = lambda: NOW
        self.store.add_user(BOT, "gl-cs")
        self.store.add_token(TOKEN, BOT)
        self.sandbox = Sandbox(store=self.store)
        self.config = load_config(ROOT / "rules.yml")

    def __enter__(self) -> "Desks":
        self.sandbox.start()
        return self

    def __exit__(self, *exc) -> None:
        self.sandbox.stop()

    def _user(self, name: str) -> str:
        name = str(name).lstrip("@")
        try:
            self.store.add_user(name)
        except Exception:  # already there
            pass
        return name

    def run(self, case: dict) -> Observed:
        store = self.store
        path = f"corpus/{case['id']}"
        pid = int(store.add_project(path, f"SA Service Desk {case['id']}")["id"])
        store.add_member(pid, BOT, 30)
        for sa in ROSTER:
            store.add_member(pid, self._user(sa), 30)
        for label in LABELS:
            store.add_label(pid, label)
        issues = list(case.get("desk") or []) + [case["request"]]
        members = {ROSTER[0]}
        for issue in sorted(issues, key=lambda i: i["iid"]):
            author = self._user(issue["author"])
            if author not in members and author != BOT:
                store.add_member(pid, author, 30 if author in ROSTER else 20)
                members.add(author)
            for who in issue.get("assignees") or []:
                who = self._user(who)
                if who not in members:
                    store.add_member(pid, who, 20)
                    members.add(who)
            created = _time(issue["created_at"])
            state = issue.get("state", "opened")
            store.add_issue(pid, str(issue["title"]), description=str(issue.get("description") or ""),
                            author=author, labels=[str(l) for l in issue.get("labels") or []],
                            assignees=[self._user(a) for a in issue.get("assignees") or []], state=state,
                            created_at=created, closed_at=_time(issue["closed_at"]) if state == "closed" else None,
                            iid=int(issue["iid"]))
            for note in issue.get("comments") or []:
                store.add_note(pid, int(issue["iid"]), str(note["body"]), self._user(note["author"]),
                               created_at=_time(note["created_at"]))
        before = {i["iid"] for i in store.query_issues(pid, state="all")}
        now = _time(case["now"]) if case.get("now") else NOW
        request = int(case["request"]["iid"])
        seen: dict[str, str] = {}

        def spy(facts, ctx):
            for f in facts:
                if os.environ.get("GL_CS_CORPUS_FACTS"):  # every issue's facts, to see why
                    print(f"    #{f.iid} {f.kind} {dict(f.kind_fields)}"[:700])
                if f.iid == request:
                    seen.update({k: v for k, v in f.kind_fields})
                    seen["_event_at"] = f.event_at.astimezone(dt.timezone.utc).isoformat() if f.event_at else ""
            return []

        gitlab = GitLab(self.sandbox.url, TOKEN, path)
        report = run_sync(Desk.of(gitlab, self.config), now,
                          project_rules=[ProjectRule("corpus.spy", spy), *PROJECT_RULES])
        out = Observed(facts=seen)
        out.failures = [f"#{e.iid}: {e.why}" for e in report.failures] + ([report.fatal] if report.fatal else [])
        for found in store.query_issues(pid, state="all"):
            if found["iid"] in before:
                continue
            issue = store.issue(pid, found["iid"])
            if issue["author"]["username"] != BOT:
                continue
            key = next((k for r, k in markers_in(issue["description"] or "") if r == "create"), "")
            kind = KIND_OF_KEY.get(key.split(":")[0], key.split(":")[0] or "other")
            out.opened.append((kind, issue["title"], tuple(a["username"] for a in issue["assignees"])))
        current = store.issue(pid, request)
        out.labels = set(current["labels"])
        notes = [n for n in store.notes(pid, request) if n["author"]["username"] == BOT and not n["system"]]
        out.said = [n["body"] for n in notes]
        for entry in report.changes:
            if entry.iid != request:
                continue
            what = entry.what
            if entry.rule in ("intake", "kind_intake") and "asks for" in what:
                names = what.split("asks for", 1)[1]
                out.asked |= {ASKED.get(n.strip().lower(), n.strip().lower()) for n in names.split(",")}
            elif entry.rule == "expedite" and "date gl-cs can read" in what:
                out.asked.add("event_date")
            elif entry.rule in ("onboarding", "live_optimization") and "comment 'earlier'" in what:
                out.asked.add("earlier_issue")
            elif entry.rule == "live_optimization":
                out.declined |= {code for words, code in DECLINED if words in entry.why}
        if out.declined:
            out.answer = "decline"
        elif out.asked:
            out.answer = "ask"
        elif out.opened and any(k in ("checklist", "session") for k, _, _ in out.opened):
            out.answer = "serve"
        return out


# -- scoring ----------------------------------------------------------------------

@dataclass
class Check:
    case: str
    name: str
    must: bool
    ok: bool
    expected: Any
    got: Any


def _norm(text: Any) -> str:
    text = re.sub(r"\b(inc|gmbh|ltd|llc|ag|sa|s\.a|bv|co|corp|corporation|limited|n\.a)\b\.?", "", str(text).lower())
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def score(case: dict, got: Observed) -> list[Check]:
    expect = case["expect"]
    cid = case["id"]
    out: list[Check] = []

    def check(name, must, ok, expected, value):
        out.append(Check(cid, name, must, bool(ok), expected, value))

    opened = sorted(k for k, _, _ in got.opened)
    check("opens", True, opened == sorted(expect.get("opens") or []), sorted(expect.get("opens") or []), opened)
    check("answer", True, got.answer == expect["answer"], expect["answer"], got.answer)
    if expect["answer"] == "ask":
        check("ask_for", True, got.asked == set(expect.get("ask_for") or []), sorted(expect.get("ask_for") or []),
              sorted(got.asked))
    if expect["answer"] == "decline":
        wanted = set(expect.get("decline_because") or [])
        check("decline_because", True, got.declined == wanted, sorted(wanted), sorted(got.declined))
    if "expedite" in expect:
        check("expedite", True, ("EXPEDITE" in got.labels) == bool(expect["expedite"]), expect["expedite"],
              "EXPEDITE" in got.labels)
    if "services" in expect:
        check("services", True, ("Services" in got.labels) == bool(expect["services"]), expect["services"],
              "Services" in got.labels)
    facts = expect.get("facts") or {}
    for name, value in facts.items():
        if name == "event_at":
            have = got.facts.get("_event_at", "")
            ok = bool(have) and _time(have) == _time(value)
        elif name in ("start_date", "signing_date", "renewal_date"):
            have = got.facts.get(FACT_NAMES.get(name, "renewal"), "")
            ok = have == str(value)
        elif name in ("partner", "csm", "ps"):
            have = got.facts.get(name, "")
            ok = bool(have) == bool(value)
        elif name == "customer":
            have = got.facts.get("customer", "")
            ok = bool(have) and (_norm(have) in _norm(value) or _norm(value) in _norm(have))
        elif name == "employees":
            have = got.facts.get("employees", "")
            ok = have == str(value)
        else:
            have = got.facts.get(name, "")
            ok = str(have).lower() == str(value).lower()
        check(f"fact:{name}", False, ok, value, have)
    if expect.get("assign_to"):
        who = {a for _, _, people in got.opened for a in people}
        check("assign_to", False, expect["assign_to"] in who, expect["assign_to"], sorted(who))
    return out


def run_all(names: list[str] | None = None, folder: str = "cases") -> tuple[list[dict], dict[str, Observed], list[Check]]:
    cases = load_cases(names, folder)
    observed: dict[str, Observed] = {}
    checks: list[Check] = []
    with Desks() as desks:
        for case in cases:
            got = desks.run(case)
            observed[case["id"]] = got
            checks += score(case, got)
    return cases, observed, checks


def summary(cases: list[dict], checks: list[Check]) -> dict[str, Any]:
    by_case: dict[str, list[Check]] = {}
    for c in checks:
        by_case.setdefault(c.case, []).append(c)
    must_ok = sum(1 for cid, cs in by_case.items() if all(c.ok for c in cs if c.must))
    should = [c for c in checks if not c.must]
    return {
        "cases": len(cases),
        "cases_all_must_right": must_ok,
        "must_checks": sum(1 for c in checks if c.must), "must_right": sum(1 for c in checks if c.must and c.ok),
        "should_checks": len(should), "should_right": sum(1 for c in should if c.ok),
    }


def main(argv: list[str]) -> int:
    folder = "cases"
    if argv and argv[0].startswith("--") and (HERE / argv[0][2:]).is_dir():  # --holdout, --holdout2, ...
        folder, argv = argv[0][2:], argv[1:]
    cases, observed, checks = run_all(argv or None, folder)
    for c in checks:
        if not c.ok:
            print(f"{c.case:>4} {'MUST  ' if c.must else 'should'} {c.name:<18} expected {c.expected!r}, got {c.got!r}")
    if argv:
        for cid, got in observed.items():
            print(f"--- {cid}: opened {got.opened}, answer {got.answer}, asked {sorted(got.asked)}, "
                  f"declined {sorted(got.declined)}, labels {sorted(got.labels)}, failures {got.failures}")
            print(f"    facts {got.facts}")
            for body in got.said:
                print("    said:", body.replace("\n", " / ")[:600])
    s = summary(cases, checks)
    print(f"\n{s['cases_all_must_right']}/{s['cases']} cases with every must-level decision right; "
          f"must checks {s['must_right']}/{s['must_checks']}; should checks {s['should_right']}/{s['should_checks']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
