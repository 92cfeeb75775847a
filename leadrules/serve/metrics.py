"""The service's counters, and `GET /metrics`: the Prometheus text exposition format (0.0.4)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Metrics:
    events: Counter = field(default_factory=Counter)  # by status
    requests: Counter = field(default_factory=Counter)  # by (route, status)
    scoring_seconds: float = 0.0
    scorings: int = 0
    buckets: Counter = field(default_factory=Counter)  # latency histogram (seconds bound)
    rescored: Counter = field(default_factory=Counter)  # by cause

    BOUNDS = (0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.005, 0.025, 0.1)

    def observe(self, seconds: float) -> None:
        self.scoring_seconds += seconds
        self.scorings += 1
        for bound in self.BOUNDS:
            if seconds <= bound:
                self.buckets[bound] += 1


def render(service) -> str:
    m = service.metrics
    lines = [
        "# HELP leadrules_events_total Events received, by outcome.",
        "# TYPE leadrules_events_total counter",
    ]
    for status in ("accepted", "duplicate", "ignored", "rejected"):
        lines.append(f'leadrules_events_total{{status="{status}"}} {m.events.get(status, 0)}')
    lines += [
        "# HELP leadrules_scoring_seconds Time to score one lead (the interpreter's work).",
        "# TYPE leadrules_scoring_seconds histogram",
    ]
    for bound in m.BOUNDS:
        lines.append(f'leadrules_scoring_seconds_bucket{{le="{bound}"}} {m.buckets[bound]}')
    lines.append(f'leadrules_scoring_seconds_bucket{{le="+Inf"}} {m.scorings}')
    lines.append(f"leadrules_scoring_seconds_sum {m.scoring_seconds:.9f}")
    lines.append(f"leadrules_scoring_seconds_count {m.scorings}")
    lines += [
        "# HELP leadrules_rescores_total Leads rescored, by cause.",
        "# TYPE leadrules_rescores_total counter",
    ]
    for cause in ("event", "attributes", "time", "model"):
        lines.append(f'leadrules_rescores_total{{cause="{cause}"}} {m.rescored.get(cause, 0)}')
    lines += [
        "# HELP leadrules_http_requests_total HTTP requests, by route and status.",
        "# TYPE leadrules_http_requests_total counter",
    ]
    for (route, status), n in sorted(m.requests.items(), key=str):
        if status != "seconds":
            lines.append(f'leadrules_http_requests_total{{route="{route}",code="{status}"}} {n}')
    with service.store.transaction() as tx:
        depth = tx.outbox_depth()
        by_sink = tx.all("SELECT sink, status, COUNT(*) FROM outbox GROUP BY sink, status")
        tiers = tx.tier_counts()
    lines += [
        "# HELP leadrules_deliveries Deliveries in the outbox, by sink and outcome.",
        "# TYPE leadrules_deliveries gauge",
    ]
    for sink, status, n in sorted(by_sink):
        lines.append(f'leadrules_deliveries{{sink="{sink}",outcome="{status}"}} {n}')
    lines += delivery_lines(service, sorted({sink for sink, _s, _n in by_sink}))
    lines += [
        "# HELP leadrules_outbox_depth Deliveries pending.",
        "# TYPE leadrules_outbox_depth gauge",
        f"leadrules_outbox_depth {depth}",
        "# HELP leadrules_leads Leads by tier.",
        "# TYPE leadrules_leads gauge",
    ]
    for tier, n in tiers.items():
        if tier is not None:
            lines.append(f'leadrules_leads{{tier="{tier}"}} {n}')
    lines.append(f"leadrules_model_reloads_total {service.reloads}")
    return "\n".join(lines) + "\n"


# the worker's outcome of one delivery attempt -> the metric's outcome
DELIVERY_OUTCOMES = {
    "delivered": "sent",
    "retry": "failed",
    "dead": "dead_lettered",
    "superseded": "superseded",
}


def delivery_lines(service, outbox_sinks: list[str]) -> list[str]:
    """The delivery worker's attempts in this process since it started, by sink and outcome:
    `sent` (the destination confirmed it), `failed` (to be retried after back-off),
    `dead_lettered` (failed for good: `leadrules outbox list` shows it), `superseded` (an older
    state of a lead a newer one already reached; not sent). Every configured sink gets every
    outcome, 0 until it happens."""
    counts = dict(service.deliveries or {})
    sinks = set(service.config.sinks) | set(outbox_sinks) | {sink for sink, _o in counts}
    lines = [
        "# HELP leadrules_delivery_attempts_total Delivery attempts by this process's worker, "
        "by sink and outcome.",
        "# TYPE leadrules_delivery_attempts_total counter",
    ]
    for sink in sorted(sinks):
        for raw, outcome in DELIVERY_OUTCOMES.items():
            n = counts.get((sink, raw), 0)
            lines.append(
                f'leadrules_delivery_attempts_total{{sink="{sink}",outcome="{outcome}"}} {n}'
            )
    return lines
