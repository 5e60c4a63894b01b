"""Check the shape of the unseen corpus's case files (python tests/corpus_unseen/validate.py)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ISSUE_KEYS = {"iid", "title", "author", "state", "created_at", "closed_at", "labels", "assignees", "description",
              "comments"}
OPENS = {"checklist", "session", "renewal_review"}
ANSWERS = {"none", "ask", "decline", "serve"}
ASKS = {"customer", "start_date", "signing_date", "segment", "earlier_issue", "customer_information",
        "preferred_date_options", "opportunity_details", "outcome", "challenges", "infrastructure", "sa_tasks",
        "event_date"}
DECLINES = {"segment", "csm", "partner", "ps", "window_closed", "window_not_open", "once"}
FACTS = {"customer", "start_date", "signing_date", "segment", "employees", "partner", "csm", "ps", "sa", "tier",
         "renewal_date", "event_at"}
SEGMENTS = {"Strategic", "Large", "Mid-Market", "SMB"}


def _time(value, where: str, problems: list[str]) -> None:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            problems.append(f"{where}: a time needs Z")
        return
    if isinstance(value, str):
        try:
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return
        except ValueError:
            pass
    problems.append(f"{where}: not an ISO time: {value!r}")


def _issue(issue, where: str, problems: list[str], iids: set[int]) -> None:
    if not isinstance(issue, dict):
        problems.append(f"{where}: not a mapping")
        return
    for key in set(issue) - ISSUE_KEYS:
        problems.append(f"{where}: unknown key {key}")
    for key in ("iid", "title", "author", "created_at", "description"):
        if key not in issue:
            problems.append(f"{where}: missing {key}")
    if not isinstance(issue.get("iid"), int) or issue.get("iid") in iids:
        problems.append(f"{where}: iid must be a unique number")
    iids.add(issue.get("iid"))
    if issue.get("state", "opened") not in ("opened", "closed"):
        problems.append(f"{where}: state must be opened or closed")
    if "created_at" in issue:
        _time(issue["created_at"], f"{where}.created_at", problems)
    if issue.get("state") == "closed" and "closed_at" not in issue:
        problems.append(f"{where}: a closed issue needs closed_at")
    if len(str(issue.get("description", ""))) > 4000:
        problems.append(f"{where}: description over 4,000 characters")
    for n, note in enumerate(issue.get("comments") or []):
        for key in ("author", "created_at", "body"):
            if key not in note:
                problems.append(f"{where}.comments[{n}]: missing {key}")


def check(path: Path) -> list[str]:
    problems: list[str] = []
    try:
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        return [f"{path.name}: not YAML: {exc}"]
    if not isinstance(case, dict):
        return [f"{path.name}: not a mapping"]
    if case.get("id") != path.stem:
        problems.append(f"{path.name}: id must be {path.stem}")
    if "now" in case:
        _time(case["now"], "now", problems)
    iids: set[int] = set()
    for n, issue in enumerate(case.get("desk") or []):
        _issue(issue, f"desk[{n}]", problems, iids)
    if "request" not in case:
        problems.append("missing request")
    else:
        _issue(case["request"], "request", problems, iids)
    expect = case.get("expect") or {}
    for key in set(expect) - {"opens", "recognises", "answer", "ask_for", "decline_because", "expedite", "services",
                              "facts", "assign_to"}:
        problems.append(f"expect: unknown key {key}")
    if not set(expect.get("opens") or []) <= OPENS:
        problems.append(f"expect.opens: only {sorted(OPENS)}")
    if expect.get("answer") not in ANSWERS:
        problems.append(f"expect.answer: one of {sorted(ANSWERS)}")
    if not set(expect.get("ask_for") or []) <= ASKS:
        problems.append(f"expect.ask_for: only {sorted(ASKS)}")
    if expect.get("answer") == "ask" and not expect.get("ask_for"):
        problems.append("expect.ask_for: say what is asked for")
    if not set(expect.get("decline_because") or []) <= DECLINES:
        problems.append(f"expect.decline_because: only {sorted(DECLINES)}")
    if expect.get("answer") == "decline" and not expect.get("decline_because"):
        problems.append("expect.decline_because: say why")
    if "recognises" in expect and expect["recognises"] not in iids:
        problems.append("expect.recognises: not an iid of the desk")
    facts = expect.get("facts") or {}
    for key in set(facts) - FACTS:
        problems.append(f"expect.facts: unknown key {key}")
    if "segment" in facts and facts["segment"] not in SEGMENTS:
        problems.append(f"expect.facts.segment: one of {sorted(SEGMENTS)}")
    return [f"{path.name}: {p}" for p in problems]


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((HERE / "cases").glob("*.yml")) + sorted(HERE.glob("holdout*/*.yml"))
    problems = [p for path in paths for p in check(path)]
    for p in problems:
        print(p)
    print(f"{len(paths)} case(s), {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
