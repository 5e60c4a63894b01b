"""The sandbox's :class:`Store`: state (:mod:`.model`), JSON shapes (:mod:`.render`),
the seeding API (:mod:`.builder`) and GitLab's API rules (:mod:`.api` for issues and
notes, :mod:`.api_project` for labels, members, files and hooks) in one object.

Objects are plain dicts; ``render_*`` turns them into GitLab REST API v4 shapes.
All public methods take the store's single re-entrant lock, so callers may also
hold :attr:`Store.lock` across several calls to get a consistent view.
"""

from __future__ import annotations

from .api import ApiRules
from .api_project import ProjectRules
from .builder import Building
from .errors import ApiError, BadRequest, Conflict, Forbidden, NotFound, Unauthorized
from .model import DEFAULT_AUTO_LABEL_COLOR, DEVELOPER, GUEST, MAINTAINER, OWNER, REPORTER, WRITE_ACCESS
from .timeutil import UTC, iso, parse_time, utcnow

__all__ = ["ApiError", "BadRequest", "Conflict", "DEFAULT_AUTO_LABEL_COLOR", "DEVELOPER", "Forbidden",
           "GUEST", "MAINTAINER", "NotFound", "OWNER", "REPORTER", "Store", "UTC", "Unauthorized",
           "WRITE_ACCESS", "iso", "parse_time", "utcnow"]


class Store(ApiRules, ProjectRules, Building):
    """The sandbox's data, guarded by one re-entrant lock.

    ``clock`` is a callable returning an aware UTC datetime; it is read on
    every write (``updated_at``, note and event timestamps). Replace it at any
    time (``store.clock = lambda: fixed``) to make a scenario deterministic.
    ``web_url`` is the base of ``web_url`` fields in dicts returned by the
    seeding helpers; HTTP responses use the request's host instead.
    """
