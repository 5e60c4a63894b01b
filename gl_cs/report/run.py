"""One report per run, of one desk or several, and the merge of several runs' reports.

A run (``gl-cs sync``, ``summary``, ``rotate`` ...) works on one desk or on several (all of
rules.yml's, or a shard's). Its JSON report keeps the top-level keys a one-desk report always
had (``changes``, ``writes``, ``requests``, ``exit_code`` ...), summed over its desks (each
change names its desk in ``project``), and lists each desk under ``desks``: its key, project,
exit code, why it failed if it did, and its own report.

``requests`` at the top is every request the run sent: the desks' and the run's own (the
token's user, a group's projects). The desks' reports count their own.

:func:`merge` joins the reports of several runs (the shards of one scheduled pipeline) into
one: ``gl-cs merge-reports``. A desk reported twice, or a run that is not complete, is said
in the merged report (``overlaps``, ``complete``), never hidden.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .model import SyncReport

FORMAT = "gl-cs.run/1"


@dataclass
class DeskResult:
    """One desk of a run: what it did (``report``), or why it could not (``error``)."""

    key: str
    project: str
    path: str | None = None
    report: SyncReport | None = None
    error: str | None = None
    code: int | None = None  # None: still running

    def as_dict(self) -> dict[str, Any]:
        code = self.code
        if code is None:
            code = self.report.exit_code if self.report is not None else 0
        return {"desk": self.key, "project": self.project, "path": self.path, "exit_code": code,
                "error": self.error, "report": self.report.as_dict() if self.report is not None else None}


def exit_code(codes: Iterable[int]) -> int:
    """The run's exit code from its desks': a stop (SIGTERM 143, Ctrl-C 130) wins; 2 when
    every desk failed before writing anything (2 is "nothing was written"); else 1 when
    any desk failed; else 0."""
    codes = list(codes)
    for stop in (143, 130):
        if stop in codes:
            return stop
    if not codes:
        return 0
    if all(c == 2 for c in codes):
        return 2
    return 1 if any(codes) else 0


@dataclass
class RunReport:
    """The run's report, built as its desks run (``current``: the desk running now)."""

    now: dt.datetime
    dry_run: bool
    command: str = "sync"
    shard: str | None = None
    desks_total: int | None = None  # desks of the configuration (all shards)
    desks: list[DeskResult] = field(default_factory=list)
    own_requests: int = 0  # the run's requests outside any desk
    fatal: str | None = None  # why the run stopped before or between desks

    def start(self, key: str, project: str, path: str | None = None) -> DeskResult:
        result = DeskResult(key, project, path)
        self.desks.append(result)
        return result

    def follow(self, report: SyncReport) -> None:
        """A SyncReport was created: the running desk's."""
        if self.desks and self.desks[-1].code is None:
            self.desks[-1].report = report

    # as an observer of SyncReports (``report.model.OBSERVERS``), when no live report follows them
    def created(self, report: SyncReport) -> None:
        self.follow(report)

    def changed(self, report: SyncReport) -> None:
        pass

    @property
    def exit_code(self) -> int:
        codes = [d.as_dict()["exit_code"] for d in self.desks]
        if self.fatal and not codes:
            return 2
        code = exit_code(codes)
        return max(code, 1) if self.fatal else code

    def as_dict(self) -> dict[str, Any]:
        desks = [d.as_dict() for d in self.desks]
        data: dict[str, Any] = {
            "format": FORMAT, "command": self.command, "now": self.now.isoformat(), "dry_run": self.dry_run,
            "project": desks[0]["project"] if len(desks) == 1 else None, "shard": self.shard,
            "desks_total": self.desks_total,
        }
        data.update(_totals(desks, self.own_requests))
        fatal = self.fatal or next((d["report"]["fatal"] for d in desks if d["report"] and d["report"]["fatal"]), None)
        if fatal is None and len(desks) == 1:
            fatal = desks[0]["error"]
        data["fatal"] = fatal
        data["exit_code"] = self.exit_code
        data["desks"] = desks
        return data


def _totals(desks: list[dict[str, Any]], own_requests: int) -> dict[str, Any]:
    """The one-desk report's keys, summed over ``desks`` (with several, each entry names its
    desk in ``project``; a one-desk run's entries are as they always were)."""
    tag = len(desks) > 1
    out: dict[str, Any] = {"issues_seen": 0, "writes": 0, "requests": own_requests, "descriptions_read": 0,
                           "labels_created": [], "changes": [], "findings": [], "failures": []}
    counts: Counter = Counter()
    for desk in desks:
        report = desk.get("report")
        if desk.get("error") and tag:  # (one desk: its error is the run's "fatal")
            out["failures"].append({"issue": 0, "rule": "-", "what": "failed", "why": desk["error"], "url": "",
                                    "project": desk["project"]})
        if not report:
            continue
        for key in ("issues_seen", "writes", "requests", "descriptions_read"):
            out[key] += int(report.get(key) or 0)
        out["labels_created"] += [f"{desk['project']}: {name}" if tag else name
                                  for name in report.get("labels_created") or []]
        for key in ("changes", "findings", "failures"):
            out[key] += [dict(entry, project=desk["project"]) if tag else entry for entry in report.get(key) or []]
        counts.update(report.get("counts") or {})
    out["counts"] = dict(sorted(counts.items()))
    return out


class MergeError(ValueError):
    pass


def merge(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """One report from the reports of several runs (a scheduled pipeline's shards). Each
    desk keeps its own entry; the totals are summed again. ``complete`` only when every run
    was; ``overlaps``: desks two runs both reported (shards of different sizes, or the same
    shard twice)."""
    if not reports:
        raise MergeError("no reports to merge")
    desks: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    overlaps: list[str] = []
    own = 0
    shards = []
    for index, report in enumerate(reports):
        if not isinstance(report, dict) or not isinstance(report.get("desks"), list):
            raise MergeError(f"report {index + 1} is not a gl-cs run report (no 'desks'; written by gl-cs before "
                             f"several desks?)")
        own += int(report.get("requests") or 0) - sum(int((d.get("report") or {}).get("requests") or 0)
                                                        for d in report["desks"])
        shards.append(report.get("shard"))
        for desk in report["desks"]:
            if desk["desk"] in seen:
                overlaps.append(desk["desk"])
            seen[desk["desk"]] = index
            desks.append(desk)
    first = reports[0]
    codes = [int(r.get("exit_code") or 0) for r in reports]
    data: dict[str, Any] = {
        "format": FORMAT, "command": first.get("command"), "now": first.get("now"), "dry_run": first.get("dry_run"),
        "project": desks[0]["project"] if len(desks) == 1 else None, "shard": None,
        "desks_total": first.get("desks_total"), "merged": len(reports), "shards": shards,
        "complete": all(r.get("complete", True) is not False for r in reports),
    }
    data.update(_totals(desks, own))
    data["fatal"] = next((r.get("fatal") for r in reports if r.get("fatal")), None)
    data["overlaps"] = sorted(set(overlaps))
    data["exit_code"] = exit_code(codes)
    data["desks"] = desks
    return data


def merge_files(paths: list[str | Path]) -> dict[str, Any]:
    reports = []
    for path in paths:
        try:
            reports.append(json.loads(Path(path).read_text(encoding="utf-8")))
        except OSError as exc:
            raise MergeError(f"{path}: cannot be read ({exc.strerror or exc.__class__.__name__})") from None
        except ValueError:
            raise MergeError(f"{path}: not JSON (a report cut short?)") from None
    return merge(reports)
