"""The optional accounts file a team exports from its CRM (rules.yml ``kinds.accounts_file``):
accounts onboarded before gl-cs, with their renewal date, AE and SA.

CSV with a header row (``customer,renewal_date,ae,sa[,salesforce]``) or YAML (a list of
mappings with those keys, or ``accounts:`` holding that list). Dates are ISO
(``2027-03-31``)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import yaml

from .model import AccountRow

KEYS = ("customer", "renewal_date", "ae", "sa", "salesforce")


def _row(data: dict, name: str, line: int, problems: list[str]) -> AccountRow | None:
    if not isinstance(data, dict):
        problems.append(f"{name}:{line}: each account is a mapping with {', '.join(KEYS)}")
        return None
    data = {str(k).strip().lower().replace(" ", "_"): v for k, v in data.items() if k is not None}
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        problems.append(f"{name}:{line}: unknown column {', '.join(unknown)}; allowed: {', '.join(KEYS)}")
    customer = str(data.get("customer") or "").strip()
    if not customer:
        problems.append(f"{name}:{line}: customer is empty")
    raw = data.get("renewal_date")
    try:
        renewal = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw or "").strip())
    except ValueError:
        problems.append(f"{name}:{line}: renewal_date {raw!r} is not a date like 2027-03-31")
        return None
    if not customer:
        return None
    clean = lambda v: str(v or "").strip().lstrip("@")  # noqa: E731
    return AccountRow(customer=customer, renewal_date=renewal.isoformat(), ae=clean(data.get("ae")),
                      sa=clean(data.get("sa")), salesforce=str(data.get("salesforce") or "").strip(), line=line)


def parse_accounts(text: str, name: str) -> tuple[tuple[AccountRow, ...], list[str]]:
    problems: list[str] = []
    rows: list[AccountRow] = []
    if name.lower().endswith((".yml", ".yaml")):
        try:
            data = yaml.safe_load(text) or []
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            return (), [f"{name}:{mark.line + 1 if mark else 1}: not valid YAML"]
        if isinstance(data, dict):
            data = data.get("accounts") or []
        if not isinstance(data, list):
            return (), [f"{name}:1: expected a list of accounts"]
        for index, item in enumerate(data):
            row = _row(item, name, index + 1, problems)
            if row:
                rows.append(row)
    else:
        reader = csv.DictReader(io.StringIO(text))
        for item in reader:
            row = _row(item, name, reader.line_num, problems)
            if row:
                rows.append(row)
    return tuple(rows), problems
