"""The JSON report, written as the run goes: a run that is cancelled (SIGTERM), crashes
or is killed still leaves a report of what it did, marked ``"complete": false``.

* :meth:`LiveReport.start` writes a first report before any request, which is also how
  an unwritable ``--report`` path is found before anything happens;
* every :class:`SyncReport` created while a ``LiveReport`` is active is followed: each
  issue recorded (``add_plan``/``add_failure``) rewrites the file, at most once per
  ``interval`` seconds;
* :meth:`LiveReport.finish` writes the final report (``complete`` true only for a run
  that reached its end).

The file is replaced atomically (a temporary file in the same folder, then
``os.replace``), so even a ``kill -9`` in the middle of a write leaves valid JSON.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Callable

from . import model
from .model import SyncReport
from .run import RunReport


class LiveReport:
    def __init__(self, path: str | os.PathLike, *, extra: dict[str, Any] | None = None,
                 progress: Callable[[], dict[str, Any]] | None = None, interval: float = 1.0,
                 redact: Callable[[str], str] = lambda text: text, run: "RunReport | None" = None):
        self.path = Path(path)
        self.extra = dict(extra or {})
        self.progress = progress
        self.interval = interval
        self.redact = redact
        self.report: SyncReport | None = None
        #: the run's report (several desks): written whole, each desk's report inside it
        self.run = run
        self._last = 0.0

    # -- lifecycle ------------------------------------------------------------
    def start(self, placeholder: dict[str, Any] | None = None) -> None:
        """Write the first (empty, incomplete) report and follow the sync's report from
        now on. Raises ``OSError`` when the path cannot be written."""
        self._write({"complete": False, **(placeholder or {}), **self.extra})
        model.OBSERVERS.append(self)

    def stop(self) -> None:
        if self in model.OBSERVERS:
            model.OBSERVERS.remove(self)

    def __enter__(self) -> "LiveReport":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- called by SyncReport ----------------------------------------------------
    def created(self, report: SyncReport) -> None:
        self.report = report
        if self.run is not None:
            self.run.follow(report)
        self.flush(force=True)

    def changed(self, report: SyncReport) -> None:
        self.report = report
        self.flush()

    # -- writing -------------------------------------------------------------
    def flush(self, *, force: bool = False) -> None:
        """Rewrite the incomplete report (throttled unless ``force``). Never raises: a
        report that cannot be rewritten mid-run must not stop the sync."""
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        try:
            self._write(self.snapshot(complete=False))
        except OSError:
            pass

    def finish(self, *, complete: bool, fatal: str | None = None, exit_code: int | None = None) -> None:
        """Write the final report. ``fatal``: why an incomplete run stopped."""
        self.stop()
        data = self.snapshot(complete=complete)
        if fatal:
            data["fatal"] = fatal
        if exit_code is not None:
            data["exit_code"] = exit_code
        self._write(data)

    def snapshot(self, *, complete: bool) -> dict[str, Any]:
        data: dict[str, Any] = {"complete": complete}
        if self.run is not None:
            data.update(self.run.as_dict())
        elif self.report is not None:
            data.update(self.report.as_dict())
        if not complete and self.progress is not None:
            data.update(self.progress())  # e.g. the writes GitLab accepted so far
        data.update(self.extra)
        return data

    def _write(self, data: dict[str, Any]) -> None:
        text = self.redact(json.dumps(data, indent=2, default=str) + "\n")
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, self.path)
        finally:
            if tmp.exists():
                try:
                    tmp.unlink()
                except OSError:
                    pass
