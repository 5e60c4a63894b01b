"""A desk: one SA Service Desk project and everything gl-cs keeps for it.

The project is a key, not a singleton. :class:`Desk` holds what one desk needs: its
:class:`~gl_cs.config.desks.DeskRef` (the key shards and record files use), its
configuration after its ``desks:`` overrides, its GitLab adapter, its record file and the
:class:`~gl_cs.app.runtime.Runtime` kept for it (the token's user, the labels, the
members, the record: read once). :class:`DeskFactory` is the one place desks are built,
from the configuration (:class:`~gl_cs.config.desks.DeskSettings`) and a
:class:`Connection` (where GitLab is, the token, the timeout and the run's deadline): the
CLI, the CI jobs and the webhook worker all open desks through it, and all run them through
``run_sync(desk, now, ...)``.

**Records, one per desk.** A one-desk rules.yml keeps its record where ``--record`` says
(``.gl-cs/record.json``). With several desks each keeps its own file beside it, named by its
key: ``.gl-cs/record-42.json``, ``.gl-cs/record-sa-team%2Femea.json``. One file per desk, and
not one file keyed inside, because each desk is run, saved, cached and lost on its own: a
shard's CI job restores and saves only its desks' files, a desk that fails leaves the others'
records untouched, and no run ever rewrites another desk's record. When a team grows from
``project:`` to ``projects:``, the first run gives the old one-desk record to the desk it was
made for (the record names its project, bot and configuration) by moving it, and says so.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence
from urllib.parse import quote

from ..config import Config
from ..config.desks import DeskRef, DeskSettings
from ..gitlab.adapter import GitLab, Identity
from .runtime import Runtime
from .shards import Shard

log = logging.getLogger(__name__)


@dataclass
class Connection:
    """How to reach GitLab: everything an adapter needs but the project. One per run;
    its adapters share the token's :class:`~gl_cs.gitlab.adapter.Identity` (one ``GET
    /user`` per run, not per desk) and the run's deadline."""

    url: str
    token: str = field(repr=False)  # never in a printed Connection
    timeout: float = 30.0
    max_retries: int = 6
    job_token: bool = False
    on_notice: Callable[[str], None] | None = None
    identity: Identity = field(default_factory=Identity)
    deadline: float | None = None  # seconds, as --deadline says
    deadline_at: float | None = None  # time.monotonic() when it passes
    _instance: GitLab | None = field(default=None, repr=False)

    def set_deadline(self, seconds: float | None) -> None:
        self.deadline = seconds
        self.deadline_at = None if seconds is None else time.monotonic() + seconds
        if self._instance is not None:
            self._instance.set_deadline(seconds, at=self.deadline_at)

    def adapter(self, project: str | int | None) -> GitLab:
        """A new adapter for ``project`` (None: the instance), with the run's deadline."""
        gitlab = GitLab(self.url, self.token, project, max_retries=self.max_retries, timeout=self.timeout,
                        job_token=self.job_token, on_notice=self.on_notice, identity=self.identity)
        if self.deadline_at is not None:
            gitlab.set_deadline(self.deadline, at=self.deadline_at)
        return gitlab

    def fresh(self) -> GitLab:
        """A new adapter for the instance with an identity of its own: its ``GET /user`` is
        sent afresh (a health check, a token check), never answered from the run's."""
        return GitLab(self.url, self.token, None, max_retries=self.max_retries, timeout=self.timeout,
                      job_token=self.job_token, on_notice=self.on_notice)

    @property
    def instance(self) -> GitLab:
        """The run's adapter for what is no desk's (the token's user, a group's projects)."""
        if self._instance is None:
            self._instance = self.adapter(None)
        return self._instance

    @property
    def requests_outside_desks(self) -> int:
        return self._instance.requests_sent if self._instance is not None else 0


class Desk:
    """One desk: ``ref`` (its key and project), ``config`` (after its overrides),
    ``gitlab`` (its adapter), ``record_path`` and ``runtime`` (kept between runs)."""

    def __init__(self, ref: DeskRef, runtime: Runtime):
        self.ref = ref
        self.runtime = runtime

    @classmethod
    def of(cls, gitlab: GitLab, config: Config, *, record_path: Path | None = None, **runtime_options) -> "Desk":
        """A desk from an adapter and a configuration already at hand (tests, the demo,
        embedding): what the factory builds, without rules.yml's desk list."""
        return cls(DeskRef(config.project), Runtime(gitlab, config, record_path=record_path, **runtime_options))

    config = property(lambda self: self.runtime.config)
    gitlab = property(lambda self: self.runtime.gitlab)
    record_path = property(lambda self: self.runtime.record_path)
    key = property(lambda self: self.ref.key)
    name = property(lambda self: self.ref.name)

    def __repr__(self) -> str:
        return f"Desk({self.ref.name!r}, key={self.ref.key!r})"


def record_path_for(base: Path | None, ref: DeskRef, several: bool) -> Path | None:
    """Where ``ref``'s record lives: ``base`` for a one-desk rules.yml, else a file of its
    own beside it (``record-<key>.json``, the key quoted as a URL path segment)."""
    if base is None or not several:
        return base
    return base.with_name(f"{base.stem}-{quote(ref.key, safe='')}{base.suffix}")


class DeskFactory:
    """Builds the desks of a rules.yml: the one place a desk's configuration, adapter,
    record and runtime come together."""

    def __init__(self, settings: DeskSettings, connection: Connection, *, record: Path | None = None,
                 labels_ttl: float = 300.0, on_notice: Callable[[str], None] | None = None):
        self.settings = settings
        self.connection = connection
        self.record = record
        self.labels_ttl = labels_ttl
        self.on_notice = on_notice or log.warning

    def refs(self) -> list[DeskRef]:
        """Every desk: those rules.yml lists, and the projects of its group (one listing,
        100 projects a page; a failure raises GitLabError: never "no desks")."""
        refs = list(self.settings.listed)
        group = self.settings.group
        if group is not None:
            found = self.connection.instance.group_projects(group.group, topic=group.topic, subgroups=group.subgroups)
            refs += [DeskRef(p.id, project_id=p.id, path=p.path_with_namespace) for p in found
                     if group.admits(p.path_with_namespace)]
            named = {n for r in refs for n in r.names()}
            for written in self.settings.overrides():
                if not DeskRef(written).names() & named:
                    self.on_notice(f"desks.{written} in {self.settings.source} names no desk of "
                                   f"{group.describe()}; it is not used")
        return refs

    def select(self, refs: Iterable[DeskRef], shard: Shard | None) -> list[DeskRef]:
        refs = list(refs)
        return shard.select(refs) if shard is not None else refs

    def open(self, ref: DeskRef) -> Desk:
        """The desk ``ref``: its configuration, a new adapter, its record file, its runtime."""
        several = self.settings.several
        path = record_path_for(self.record, ref, several)
        project = ref.project_id if ref.project_id is not None else ref.project  # an id survives a rename
        runtime = Runtime(self.connection.adapter(project), self.settings.config_for(ref), record_path=path,
                          labels_ttl=self.labels_ttl, on_notice=self.on_notice,
                          record_fallback=self.record if several and path != self.record else None)
        return Desk(ref, runtime)

    def open_all(self, refs: Sequence[DeskRef]) -> list[Desk]:
        return [self.open(ref) for ref in refs]
