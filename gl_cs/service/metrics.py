"""The service's Prometheus metrics (``GET /metrics``), through ``prometheus_client``.

Each service has its own registry (tests run several in one process); queue depth,
oldest unprocessed age and the parked count are read from the journal at scrape time,
so they are true after a restart too.
"""

from __future__ import annotations

import time
from typing import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

ACK_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
WORK_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0)


class _JournalCollector:
    def __init__(self, stats: Callable[[float], dict]):
        self._stats = stats

    def collect(self):
        try:
            s = self._stats(time.time())
        except Exception:  # a broken journal shows in /healthz; a scrape must still answer
            return
        yield GaugeMetricFamily("gl_cs_webhook_queue_depth", "Events accepted and not yet processed.",
                                value=s["depth"])
        yield GaugeMetricFamily("gl_cs_webhook_oldest_unprocessed_age_seconds",
                                "Age of the oldest event not yet processed (0 when none).", value=s["oldest_age"])
        yield GaugeMetricFamily("gl_cs_webhook_parked_events", "Events that kept failing, waiting for a person.",
                                value=s["parked"])


class Metrics:
    def __init__(self) -> None:
        self.registry = r = CollectorRegistry()
        self.received = Counter("gl_cs_webhook_received", "Requests to POST /webhook with a valid token, "
                                "by X-Gitlab-Event.", ["event"], registry=r)
        self.rejected = Counter("gl_cs_webhook_rejected", "Requests refused, by reason.", ["reason"], registry=r)
        self.ignored = Counter("gl_cs_webhook_ignored", "Events acknowledged and ignored, by reason.", ["reason"],
                               registry=r)
        self.accepted = Counter("gl_cs_webhook_accepted", "Events written to the journal.", registry=r)
        self.deduplicated = Counter("gl_cs_webhook_deduplicated", "Redeliveries recognised (200, no work).",
                                    registry=r)
        self.processed = Counter("gl_cs_webhook_processed", "Events done (the rules ran on their issue after "
                                 "they arrived).", registry=r)
        self.runs = Counter("gl_cs_webhook_runs", "Runs of the rules (one per claimed issue).", registry=r)
        self.changes = Counter("gl_cs_webhook_changes", "Changes gl-cs made from events.", registry=r)
        self.failed = Counter("gl_cs_webhook_failed", "Failed attempts (the events are retried).", registry=r)
        self.parked = Counter("gl_cs_webhook_parked", "Events parked after too many failed attempts.", registry=r)
        self.ack_latency = Histogram("gl_cs_webhook_ack_latency_seconds", "Request received -> answer, "
                                     "journal commit included.", buckets=ACK_BUCKETS, registry=r)
        self.processing_latency = Histogram("gl_cs_webhook_processing_latency_seconds",
                                            "Event accepted -> its issue's run finished.", buckets=WORK_BUCKETS,
                                            registry=r)
        self.run_seconds = Histogram("gl_cs_webhook_run_seconds", "Duration of one run of the rules.",
                                     buckets=WORK_BUCKETS, registry=r)
        self.refused_project = Counter("gl_cs_webhook_refused_project", "Webhooks from a project this service "
                                       "does not serve (403), by project id.", ["project_id"], registry=r)
        self.leases_lost = Counter("gl_cs_webhook_leases_lost", "Runs whose issue went to another worker before "
                                   "they finished (their result was not recorded).", registry=r)
        self.worker_up = Gauge("gl_cs_webhook_worker_up", "1 while the worker process runs, 0 while it is being "
                               "restarted.", registry=r)
        self.worker_restarts = Counter("gl_cs_webhook_worker_restarts", "Worker processes that died and were "
                                       "restarted, by how they ended.", ["reason"], registry=r)
        self.token_rejected = Gauge("gl_cs_webhook_gitlab_token_rejected", "1 while GitLab rejects gl-cs's token "
                                    "(nothing is processed; the events are kept).", registry=r)
        self._refused_ids: set[str] = set()

    def refused(self, project_id: int | None) -> None:
        """Count a webhook of another project (at most 50 ids by name, then "other")."""
        name = str(project_id)
        if name not in self._refused_ids and len(self._refused_ids) >= 50:
            name = "other"
        self._refused_ids.add(name)
        self.refused_project.labels(name).inc()

    def watch_journal(self, stats: Callable[[float], dict]) -> None:
        self.registry.register(_JournalCollector(stats))

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def value(self, name: str, **labels: str) -> float:
        """A sample's current value (tests, the benchmark)."""
        found = self.registry.get_sample_value(name, labels or None)
        return found or 0.0
