"""Fault injection and request counting for the sandbox HTTP server.

:class:`Faults` is a thread-safe bag of knobs the server consults on every
``/api/v4`` request; tests and benchmarks flip them at any time:

``latency``
    seconds added to every request;
``error_rate``
    probability (0..1) of answering 500/502/503 *before* the request is applied;
``apply_then_fail_rate``
    probability (0..1) that a POST/PUT/DELETE is applied and then answered with 502;
``apply_then_html_rate``
    probability (0..1) that a POST/PUT/DELETE is applied and then answered ``200`` with an
    HTML page (a proxy or SSO layer in front of GitLab that rewrites answers);
``slow_paths``
    ``{regex: seconds}`` (same keys as ``fail_paths``): a matching request waits that long
    before it is answered (a GitLab slower than the client's timeout on some endpoints);
``rate_limit_burst``
    the next K requests answer ``429`` with ``Retry-After`` (``retry_after`` seconds,
    default 1) and the plain-text body ``Retry later``;
``fail_paths``
    ``{regex: status}``; a request whose path (``/api/v4/...``, still URL-encoded)
    matches ``re.search(regex)`` always fails with ``status``. A key may be
    prefixed by a method, e.g. ``"PUT /issues/3$"``;
``seed``
    seeds the private :class:`random.Random` so random faults are reproducible.

:class:`RequestCounter` counts every API request (faulted ones included) by
``(METHOD, route_template)``, e.g. ``("PUT", "/projects/:id/issues/:iid")``.
"""

from __future__ import annotations

import random
import re
import threading
from collections import Counter, deque
from typing import Any

_METHOD_PREFIX = re.compile(r"^(GET|POST|PUT|DELETE|PATCH|HEAD)\s+(.*)$")


class Faults:
    """Thread-safe fault-injection settings (see the module docstring)."""

    def __init__(self, *, latency: float = 0.0, error_rate: float = 0.0,
                 apply_then_fail_rate: float = 0.0, apply_then_html_rate: float = 0.0,
                 rate_limit_burst: int = 0, slow_paths: dict[str, float] | None = None,
                 retry_after: int = 1, fail_paths: dict[str, int] | None = None,
                 seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self.latency = latency
        self.error_rate = error_rate
        self.apply_then_fail_rate = apply_then_fail_rate
        self.apply_then_html_rate = apply_then_html_rate
        self.slow_paths: dict[str, float] = dict(slow_paths or {})
        self.rate_limit_burst = rate_limit_burst
        self.retry_after = retry_after
        self.fail_paths: dict[str, int] = dict(fail_paths or {})
        self._seed = seed
        self._random = random.Random(seed)

    @property
    def seed(self) -> int | None:
        return self._seed

    @seed.setter
    def seed(self, value: int | None) -> None:
        with self._lock:
            self._seed = value
            self._random = random.Random(value)

    def reset(self) -> None:
        """Switch every fault off (the seed is kept)."""
        with self._lock:
            self.latency = 0.0
            self.error_rate = 0.0
            self.apply_then_fail_rate = 0.0
            self.apply_then_html_rate = 0.0
            self.slow_paths = {}
            self.rate_limit_burst = 0
            self.retry_after = 1
            self.fail_paths = {}

    # -- used by the server ---------------------------------------------------

    def take_rate_limit(self) -> bool:
        """Consume one request of the 429 burst; True if this request is throttled."""
        with self._lock:
            if self.rate_limit_burst > 0:
                self.rate_limit_burst -= 1
                return True
            return False

    def roll(self, probability: float) -> bool:
        """True with the given probability (deterministic under ``seed``)."""
        if probability <= 0:
            return False
        with self._lock:
            return self._random.random() < probability

    def choice(self, options: list[Any]) -> Any:
        with self._lock:
            return self._random.choice(options)

    def failing_status(self, method: str, path: str) -> int | None:
        """The status configured in ``fail_paths`` for this request, if any."""
        with self._lock:
            rules = list(self.fail_paths.items())
        found = _first_match(rules, method, path)
        return None if found is None else int(found)

    def delay(self, method: str, path: str) -> float:
        """The seconds configured in ``slow_paths`` for this request (0 when none)."""
        with self._lock:
            rules = list(self.slow_paths.items())
        found = _first_match(rules, method, path)
        return 0.0 if found is None else float(found)

    def __repr__(self) -> str:
        return (f"Faults(latency={self.latency}, error_rate={self.error_rate}, "
                f"apply_then_fail_rate={self.apply_then_fail_rate}, "
                f"apply_then_html_rate={self.apply_then_html_rate}, slow_paths={self.slow_paths}, "
                f"rate_limit_burst={self.rate_limit_burst}, fail_paths={self.fail_paths}, "
                f"seed={self._seed})")


def _first_match(rules: list[tuple[str, Any]], method: str, path: str) -> Any:
    """The value of the first ``{[METHOD ]regex: value}`` rule matching the request."""
    for pattern, value in rules:
        match = _METHOD_PREFIX.match(pattern)
        if match:
            if match.group(1) != method:
                continue
            pattern = match.group(2)
        if re.search(pattern, path):
            return value
    return None


class RequestCounter:
    """Counts API requests by ``(METHOD, route_template)``; thread-safe.

    ``history`` keeps the last 1000 ``(method, route, path, status)`` tuples
    for debugging.
    """

    WRITE_METHODS = frozenset({"POST", "PUT", "DELETE", "PATCH"})

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str]] = Counter()
        #: ``(project id, method, route)`` of the requests to ``/projects/:id/...``
        self._by_project: Counter[tuple[int, str, str]] = Counter()
        self.history: deque[tuple[str, str, str, int]] = deque(maxlen=1000)

    def record(self, method: str, route: str, project: int | None = None) -> None:
        with self._lock:
            self._counts[(method, route)] += 1
            if project is not None:
                self._by_project[(project, method, route)] += 1

    def of_project(self, project: int) -> dict[tuple[str, str], int]:
        """The requests to one project's routes (``/projects/:id...``), by (method, route)."""
        with self._lock:
            return {(m, r): n for (p, m, r), n in self._by_project.items() if p == project}

    def outside_projects(self) -> dict[tuple[str, str], int]:
        """The requests to no project's route (``/user``, a token's scopes, a group's list)."""
        with self._lock:
            counted = Counter()
            for (_, m, r), n in self._by_project.items():
                counted[(m, r)] += n
            return {k: n - counted[k] for k, n in self._counts.items() if n - counted[k]}

    def log(self, method: str, route: str, path: str, status: int) -> None:
        with self._lock:
            self.history.append((method, route, path, status))

    def get(self, method: str, route: str) -> int:
        with self._lock:
            return self._counts.get((method.upper(), route), 0)

    def total(self) -> int:
        with self._lock:
            return sum(self._counts.values())

    def writes(self) -> int:
        with self._lock:
            return sum(n for (method, _), n in self._counts.items() if method in self.WRITE_METHODS)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
            self._by_project.clear()
            self.history.clear()

    def snapshot(self) -> dict[tuple[str, str], int]:
        with self._lock:
            return dict(self._counts)

    def __getitem__(self, key: tuple[str, str]) -> int:
        return self.get(*key)

    def __repr__(self) -> str:
        return f"RequestCounter({self.snapshot()!r})"
