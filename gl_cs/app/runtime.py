"""The runtime: what a run needs that does not change from one run to the next.

The token's user, the project's labels, its members (read only when a rule first needs
them), the configuration and the record are read once and kept; the clock is given per
call. ``gl-cs sync`` makes one runtime per process; the webhook worker keeps one for its
whole life, so ``sync(iids=[IID])`` on it costs only that issue's requests.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path
from typing import Callable

from .. import __version__
from ..act.writer import Writer, writer_class
from ..config import Config
from ..config.canonical import digest
from ..decide.context import Context
from ..gitlab.adapter import GitLab, GitLabError
from ..read.snapshot import Member, User
from .record import Record

log = logging.getLogger(__name__)

LABEL_COLORS = {
    "backlog": "#428BCA", "triaged": "#44AD8E", "doing": "#5CB85C", "waiting": "#F0AD4E",
    "action_items": "#7F8C8D",
}


class SetupError(Exception):
    """The run could not start (bad token, unknown project): a configuration problem."""


class Runtime:
    def __init__(self, gitlab: GitLab, config: Config, *, record_path: Path | None = None,
                 labels_ttl: float = 300.0,
                 clock: Callable[[], float] = time.monotonic, on_notice: Callable[[str], None] | None = None,
                 record_fallback: Path | None = None):
        self.gitlab = gitlab
        self.config = config
        self.record_path = record_path
        #: a one-desk record this desk takes over when it has none and the record is its own
        self.record_fallback = record_fallback
        self.labels_ttl = labels_ttl
        self._clock = clock
        self.bot: User | None = None
        self.labels: list[str] = []
        self._labels_read_at: float | None = None
        self.members: tuple[Member, ...] | None = None
        self._members_read_at = 0.0
        self.record: Record | None = None
        self.on_notice = on_notice or log.warning

    @property
    def config_digest(self) -> str:
        """The configuration's identity for the record: the same in every process (no hash
        seed, no key order), and new with every gl-cs version."""
        return digest(self.config, version=__version__)

    def setup(self, *, refresh_labels: bool = True) -> None:
        """Read the token's user once, and the labels (again when ``refresh_labels`` or
        when they are older than ``labels_ttl``). Raises SetupError for 401/403/404."""
        try:
            if self.bot is None:
                self.bot = self.gitlab.current_user()
                bots = self.config.bots
                if bots and self.bot.username not in bots:
                    self.on_notice(f"gl-cs runs as {self.bot.username}, not as {' or '.join(bots)} (team.bots): "
                                   f"its comments will carry that name; what {' and '.join(bots)} said and "
                                   f"did counts as gl-cs's own")
                self.record = Record.load(self.record_path, Record.scope_of(
                    self.gitlab.url, str(self.config.project), self.bot.id, self.config_digest), bot=self.bot,
                    adopt=self.record_fallback)
            if self.members is not None and self._clock() - self._members_read_at > self.labels_ttl:
                self.members = None  # a kept runtime re-reads the team now and then, when a rule asks
            stale = self._labels_read_at is None or self._clock() - self._labels_read_at > self.labels_ttl
            if refresh_labels or stale:
                found = self.gitlab.labels()
                self.labels = [l["name"] for l in sorted(found, key=lambda l: l.get("id", 0))]
                self._labels_read_at = self._clock()
        except GitLabError as exc:
            if exc.status in (401, 403, 404):
                raise SetupError(str(exc)) from None
            raise

    def missing_labels(self) -> list[tuple[str, str]]:
        """Managed labels the project lacks (first sync only), with the team's colours."""
        wanted = [(s.label, LABEL_COLORS.get(s.key, "#428BCA"), s) for s in self.config.states]
        wanted += [(self.config.expedite_label, "#D9534F", None), (self.config.services_label, "#8E44AD", None)]
        return [(name, color) for name, color, state in wanted
                if not any((state.matches(l) if state else l == name) for l in self.labels)]

    def context(self, now: dt.datetime) -> Context:
        return Context(config=self.config, now=now, bot=self.bot, project_labels=tuple(self.labels),
                       members_=self.members)

    def writer(self, ctx: Context, *, dry_run: bool) -> Writer:
        return writer_class(dry_run)(self.gitlab, is_bot=ctx.is_bot)

    def read_members(self) -> tuple[Member, ...]:
        if self.members is None:
            self.members = tuple(self.gitlab.members())
            self._members_read_at = self._clock()
        return self.members
