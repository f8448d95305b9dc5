"""Prometheus metrics (`GET /metrics` of `[http]`), names prefixed `wirewatch_`.

Counters and histograms are fed as things happen (`observe_poll`, `observe_delivery`); the outbox gauges are read
from the database at each scrape, so they are right whichever process queued the alerts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from storage.models import OutboxRow

__all__ = ["CONTENT_TYPE", "Metrics", "OutboxGauges"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_POLL_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_LATENCY_BUCKETS = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0)


@dataclass(frozen=True, slots=True)
class OutboxGauges:
    """What the outbox holds now: pending alerts per platform, and the age of the oldest pending one."""

    pending: dict[str, int] = field(default_factory=dict)
    oldest_pending_seconds: float = 0.0


class _OutboxCollector(Collector):
    def __init__(self, read: Callable[[], OutboxGauges]) -> None:
        self.read = read

    def collect(self) -> Iterable[Metric]:
        gauges = self.read()
        pending = GaugeMetricFamily(
            "wirewatch_outbox_pending", "Alerts waiting in the outbox, per platform.", labels=["platform"]
        )
        for platform, count in sorted(gauges.pending.items()):
            pending.add_metric([platform], count)
        yield pending
        yield GaugeMetricFamily(
            "wirewatch_outbox_oldest_pending_seconds",
            "Age of the oldest alert waiting in the outbox (0 when none waits).",
            value=gauges.oldest_pending_seconds,
        )


class Metrics:
    """The registry and its metrics; one per `wirewatch run` (tests make their own)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.polls = Counter(
            "wirewatch_polls", "Polls of a source, by outcome.", ["source", "outcome"], registry=self.registry
        )
        self.poll_duration = Histogram(
            "wirewatch_poll_duration_seconds",
            "How long a poll took (fetch, parse, store).",
            ["source"],
            buckets=_POLL_BUCKETS,
            registry=self.registry,
        )
        self.items = Counter(
            "wirewatch_items",
            "Items found new or updated, per source.",
            ["source", "event"],
            registry=self.registry,
        )
        self.alerts = Counter(
            "wirewatch_alerts",
            "Alerts by how they ended: sent, failed, expired or dropped.",
            ["platform", "state"],
            registry=self.registry,
        )
        self.delivery_latency = Histogram(
            "wirewatch_delivery_latency_seconds",
            "From the moment wirewatch first saw an item to the platform accepting its alert.",
            ["platform"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )

    def watch_database(self, writable: Callable[[], bool]) -> None:
        """Report `wirewatch_database_writable` (1 or 0) from `writable()` at every scrape."""
        gauge = Gauge(
            "wirewatch_database_writable",
            "1 while the database's writes work; 0 while they fail (disk full, locked, read-only, failing).",
            registry=self.registry,
        )
        gauge.set_function(lambda: 1.0 if writable() else 0.0)

    def watch_outbox(self, read: Callable[[], OutboxGauges]) -> None:
        """Report the outbox gauges from `read()` at every scrape (it runs in the scraping thread or loop)."""
        self.registry.register(_OutboxCollector(read))

    def observe_poll(self, source: str, outcome: str, seconds: float, new: int, updated: int) -> None:
        self.polls.labels(source, outcome).inc()
        self.poll_duration.labels(source).observe(max(0.0, seconds))
        if new:
            self.items.labels(source, "new").inc(new)
        if updated:
            self.items.labels(source, "updated").inc(updated)

    def observe_alerts(self, platform: str, state: str, count: int = 1) -> None:
        if count:
            self.alerts.labels(platform, state).inc(count)

    def observe_latency(self, platform: str, seconds: float) -> None:
        self.delivery_latency.labels(platform).observe(max(0.0, seconds))

    def observe_delivery(
        self, platform: str, tally: str, rows: Sequence[OutboxRow], count: int, at: datetime
    ) -> None:
        """The delivery engine's report on rows that ended (`bot.delivery.Observer`)."""
        if tally in ("failed", "expired", "dropped"):
            self.observe_alerts(platform, tally, count)
            return
        self.observe_alerts(platform, "sent", count)
        for row in rows:  # first seen (queued with the poll that found it) -> accepted by the platform
            self.observe_latency(platform, (at - row.created_at).total_seconds())

    def text(self) -> bytes:
        """The exposition text for a scrape."""
        return generate_latest(self.registry)
