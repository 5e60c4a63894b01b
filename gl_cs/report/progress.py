"""Progress of a long run, on stderr: a bar that redraws itself on a terminal, one plain
line every ``interval`` seconds in a CI log (not a terminal). Issues done of the total
where GitLab said it (``x-total``), requests made, rate-limit waits.

On a terminal the bar is click's own (``click.progressbar``): click is already gl-cs's
command line, it draws only when stderr is a terminal, and it needs no new dependency.
A CI log gets lines instead, because a redrawn bar there is one endless line.

It follows the run from a background thread that only reads counters (the report's
``issues_seen``, the adapter's request and 429 counts), so a request that hangs still
shows as time passing, and the sync itself never waits for it.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any, Callable, TextIO

import click

from . import model

#: Seconds between two progress lines in a CI log (GL_CS_PROGRESS_INTERVAL).
DEFAULT_INTERVAL = 30.0


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class Progress:
    """``with Progress(gitlab):`` around a run. ``stream``: stderr; ``tty``: whether it
    is a terminal (default: ask it)."""

    def __init__(self, gitlab: Any, *, stream: TextIO | None = None, tty: bool | None = None,
                 interval: float | None = None, clock: Callable[[], float] = time.monotonic):
        self.gitlab = gitlab
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        if interval is None:
            try:
                interval = float(os.environ.get("GL_CS_PROGRESS_INTERVAL") or DEFAULT_INTERVAL)
            except ValueError:
                interval = DEFAULT_INTERVAL
        self.interval = interval if not self.tty else 0.2
        self.clock = clock
        self.report: model.SyncReport | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = clock()
        self._bar = None
        self._bar_done = 0

    # -- SyncReport observer (see report.model.OBSERVERS) --------------------------------
    def created(self, report: model.SyncReport) -> None:
        self.report = report

    def changed(self, report: model.SyncReport) -> None:
        self.report = report

    # -- lifecycle ----------------------------------------------------------------------
    def __enter__(self) -> "Progress":
        model.OBSERVERS.append(self)
        self._started = self.clock()
        self._thread = threading.Thread(target=self._run, name="gl-cs-progress", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self in model.OBSERVERS:
            model.OBSERVERS.remove(self)
        if self._bar is not None:
            self._bar.render_finish()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.tick()
            except Exception:  # progress must never break a run
                return

    # -- what is shown --------------------------------------------------------------------
    def counts(self) -> dict[str, Any]:
        report = self.report
        return {"issues": report.issues_seen if report is not None else 0,
                "total": getattr(self.gitlab, "issues_expected", None),
                "requests": getattr(self.gitlab, "requests_sent", 0),
                "waits": getattr(self.gitlab, "rate_limit_waits", 0),
                "seconds": self.clock() - self._started}

    def line(self) -> str:
        c = self.counts()
        issues = f"{c['issues']} of {c['total']} issues" if c["total"] else _plural(c["issues"], "issue")
        return (f"gl-cs: progress: {issues} checked, {_plural(c['requests'], 'request')}, "
                f"{_plural(c['waits'], 'rate-limit wait')}, {c['seconds']:.0f} s")

    def tick(self) -> None:
        if not self.tty:
            click.echo(self.line(), file=self.stream)
            return
        c = self.counts()
        if self._bar is None:
            if not c["total"]:
                return  # the list's total is not known yet
            self._bar = click.progressbar(length=c["total"], label="gl-cs: issues", file=self.stream,
                                          show_pos=True, item_show_func=lambda _: None)
            self._bar.render_progress()
        extra = f"{_plural(c['requests'], 'request')}, {_plural(c['waits'], 'rate-limit wait')}"
        self._bar.label = f"gl-cs: {extra}"
        step = min(c["issues"], self._bar.length) - self._bar_done
        self._bar.update(max(step, 0))
        self._bar_done += max(step, 0)
