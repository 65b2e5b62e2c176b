"""Prometheus metrics of a worker runtime, registered in a registry the caller owns.

Nothing is registered at import: each runtime gets its own ``WorkerMetrics`` (on the process-wide
registry in ``oms worker``, on a fresh one in tests), so two runtimes never clash over names.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

#: job handlers run from milliseconds (a lookup) to minutes (an external system)
_HANDLING_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)
#: a long poll answers between "at once" and its request timeout (tens of seconds)
_ACTIVATION_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60)


class WorkerMetrics:
    """The counters and histograms of one worker runtime, labelled by job type."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.activation_latency = Histogram(
            "oms_worker_job_activation_seconds",
            "Duration of job activation requests (long polls), by whether they returned jobs",
            ["job_type", "result"],
            registry=registry,
            buckets=_ACTIVATION_BUCKETS,
        )
        self.handling_duration = Histogram(
            "oms_worker_job_handling_seconds",
            "Time from handing a job to its handler until its outcome was reported",
            ["job_type", "outcome"],
            registry=registry,
            buckets=_HANDLING_BUCKETS,
        )
        self.outcomes = Counter(
            "oms_worker_jobs",
            "Jobs handled, by outcome (completed, transient_failure, business_error, failed, given_back,"
            " report_failed, abandoned)",
            ["job_type", "outcome"],
            registry=registry,
        )
        self.in_flight = Gauge(
            "oms_worker_jobs_in_flight", "Jobs activated and not yet reported", ["job_type"], registry=registry
        )
        self.timeout_extensions = Counter(
            "oms_worker_job_timeout_extensions",
            "Deadline extensions of jobs whose handler ran long",
            ["job_type"],
            registry=registry,
        )
        self.poll_errors = Counter(
            "oms_worker_poll_errors", "Job activation requests that failed", ["job_type"], registry=registry
        )

    def sample(self, name: str, labels: dict[str, str]) -> float:
        """The current value of one sample (``None`` counts as 0): for tests and health checks."""
        value = self.registry.get_sample_value(name, labels)
        return 0.0 if value is None else value
