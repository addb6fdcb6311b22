"""Prometheus metrics in the text exposition format, kept per worker process.

Each gunicorn worker counts its own requests and a scrape reaches one of them; every series
carries a ``worker`` label (the process id) so that the series of different workers do not
overwrite one another.  For exact totals across workers, scrape each worker (one worker per
container) or sum over ``worker`` in PromQL and accept gaps from workers not scraped yet.
"""

from __future__ import annotations

import bisect
import os
import threading
from collections import defaultdict

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(pairs: dict[str, str]) -> str:
    return ",".join(f'{name}="{_escape(value)}"' for name, value in pairs.items())


class Metrics:
    """Counters and a latency histogram for one worker."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: dict[tuple[str, str, str], int] = defaultdict(int)
        self._latency_counts: dict[str, list[int]] = {}
        self._latency_sums: dict[str, float] = defaultdict(float)
        self._predictions: dict[tuple[str, str], int] = defaultdict(int)

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one finished request and its duration."""
        with self._lock:
            self._requests[(method, route, str(status))] += 1
            counts = self._latency_counts.setdefault(route, [0] * (len(LATENCY_BUCKETS) + 1))
            counts[bisect.bisect_left(LATENCY_BUCKETS, seconds)] += 1
            self._latency_sums[route] += seconds

    def observe_prediction(self, opd: str | None, needs_review: bool) -> None:
        """Count one routing decision."""
        with self._lock:
            self._predictions[(opd or "(none)", "true" if needs_review else "false")] += 1

    def render(self) -> str:
        """The exposition text."""
        worker = {"worker": str(os.getpid())}
        lines = [
            "# HELP triase_http_requests_total HTTP requests by method, route and status.",
            "# TYPE triase_http_requests_total counter",
        ]
        with self._lock:
            for (method, route, status), n in sorted(self._requests.items()):
                labels = _labels({**worker, "method": method, "route": route, "status": status})
                lines.append(f"triase_http_requests_total{{{labels}}} {n}")
            lines += [
                "# HELP triase_http_request_duration_seconds Time to answer a request.",
                "# TYPE triase_http_request_duration_seconds histogram",
            ]
            for route, counts in sorted(self._latency_counts.items()):
                cumulative = 0
                for bound, n in zip((*LATENCY_BUCKETS, float("inf")), counts, strict=True):
                    cumulative += n
                    le = "+Inf" if bound == float("inf") else repr(bound)
                    labels = _labels({**worker, "route": route, "le": le})
                    lines.append(
                        f"triase_http_request_duration_seconds_bucket{{{labels}}} {cumulative}"
                    )
                labels = _labels({**worker, "route": route})
                lines.append(
                    f"triase_http_request_duration_seconds_sum{{{labels}}} "
                    f"{self._latency_sums[route]:.6f}"
                )
                lines.append(f"triase_http_request_duration_seconds_count{{{labels}}} {cumulative}")
            lines += [
                "# HELP triase_predictions_total Routing decisions by OPD and review flag.",
                "# TYPE triase_predictions_total counter",
            ]
            reviewed = total = 0
            for (opd, needs_review), n in sorted(self._predictions.items()):
                labels = _labels({**worker, "opd": opd, "needs_review": needs_review})
                lines.append(f"triase_predictions_total{{{labels}}} {n}")
                total += n
                reviewed += n if needs_review == "true" else 0
        share = reviewed / total if total else 0.0
        lines += [
            "# HELP triase_review_share Share of decisions sent to human review by this worker.",
            "# TYPE triase_review_share gauge",
            f"triase_review_share{{{_labels(worker)}}} {share:.6f}",
        ]
        return "\n".join(lines) + "\n"
