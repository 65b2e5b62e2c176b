"""The job worker runtime: handlers registered by job type, served by continuous long polls.

    runtime = WorkerRuntime(client, {"order.fulfillment.decompose": decompose}, worker_id="w-1")
    runtime.start()
    ...
    runtime.stop(timedelta(seconds=30))

A handler takes the :class:`~oms.workflow.client.Job` and

- returns the variables to complete the job with (a mapping, or ``None`` for none);
- raises :class:`TransientError` to fail it with one retry less, after the error's back-off;
- raises :class:`BusinessError` to throw a BPMN error with its code (caught by a boundary event);
- raises :class:`IncidentError` to fail it with no retries left (an incident at once: no retry can help);
- raises anything else to fail it with one retry less and the error's message (at zero retries the
  engine raises an incident: a technical stop for an operator, not a business exception).

Each job type has its own poll thread, which asks for as many jobs as it has free handler slots
(``max_concurrent`` per job type) and long polls for them. Slots are per job type, because a long
poll holds its slots while it waits: with one shared pool, an idle type would starve a busy one.
The loop polls again as soon as a slot is free: unlike the SDK's own worker, it never sleeps
between polls (only, with a growing back-off, after a failed poll).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import structlog
from prometheus_client import CollectorRegistry
from structlog.typing import FilteringBoundLogger

from oms.workflow.client import Job, WorkflowClient, WorkflowClientError
from oms.workflow.extender import DeadlineExtender
from oms.workflow.metrics import WorkerMetrics
from oms.workflow.outcomes import Abandoned, BusinessError, IncidentError, Outcome, TransientError, outcome_of

__all__ = ["BusinessError", "Handler", "IncidentError", "TransientError", "WorkerRuntime"]

Handler = Callable[[Job], Mapping[str, Any] | None]


class _Slots:
    """Free handler slots of one job type; the poll loop takes them before it activates jobs."""

    def __init__(self, capacity: int) -> None:
        self._free = capacity
        self._condition = threading.Condition()

    def take(self, stopping: threading.Event) -> int:
        """Wait until a slot is free and take every free one; 0 once stopping."""
        with self._condition:
            while self._free == 0 and not stopping.is_set():
                self._condition.wait()
            if stopping.is_set():
                return 0
            taken, self._free = self._free, 0
            return taken

    def give(self, count: int = 1) -> None:
        if count:
            with self._condition:
                self._free += count
                self._condition.notify_all()

    def wake(self) -> None:
        with self._condition:
            self._condition.notify_all()


@dataclass(eq=False)
class _InFlight:
    """A job handed to a handler; ``abandoned`` once shutdown gave it back before the handler ended."""

    job: Job
    slots: _Slots
    log: FilteringBoundLogger
    started: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)
    reporting: bool = False
    abandoned: bool = False


class WorkerRuntime:
    def __init__(
        self,
        client: WorkflowClient,
        handlers: Mapping[str, Handler],
        *,
        worker_id: str,
        max_concurrent: int = 8,
        poll_timeout: timedelta = timedelta(seconds=10),
        job_timeout: timedelta = timedelta(minutes=5),
        extend_every: timedelta | None = None,
        unexpected_error_backoff: timedelta = timedelta(0),
        poll_error_backoff: timedelta = timedelta(seconds=1),
        max_poll_error_backoff: timedelta = timedelta(seconds=30),
        registry: CollectorRegistry | None = None,
        logger: FilteringBoundLogger | None = None,
    ) -> None:
        if not handlers:
            raise ValueError("Expected at least one handler, but none was given")
        if max_concurrent < 1:
            raise ValueError(f"Expected max_concurrent to be at least 1, but it was {max_concurrent}")
        self._client = client
        self._handlers = dict(handlers)
        self.worker_id = worker_id
        self._max_concurrent = max_concurrent
        self._poll_timeout_ms = _ms(poll_timeout)
        self._job_timeout_ms = _ms(job_timeout)
        # Extend well before the deadline, so one slow or failed extension does not lose the job.
        self._extend_every_s = (extend_every or job_timeout / 3).total_seconds()
        self._unexpected_error_backoff_ms = _ms(unexpected_error_backoff)
        self._poll_error_backoff_s = poll_error_backoff.total_seconds()
        self._max_poll_error_backoff_s = max_poll_error_backoff.total_seconds()
        self.metrics = WorkerMetrics(registry if registry is not None else CollectorRegistry())
        # Kept unbound: binding makes a concrete logger from the configuration of that moment, and
        # logging may be configured (or captured in tests) after the runtime is built.
        self._logger: FilteringBoundLogger = logger or structlog.get_logger("oms.workflow")
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._accepting = False
        self._in_flight: dict[int, _InFlight] = {}
        self._slots = {job_type: _Slots(max_concurrent) for job_type in self._handlers}
        self._executor = ThreadPoolExecutor(
            max_workers=max_concurrent * len(self._handlers), thread_name_prefix=f"oms-worker-{worker_id}"
        )
        self._extender: DeadlineExtender[_InFlight] = DeadlineExtender(self._extend_every_s, self._extend)
        self._pollers = [
            threading.Thread(target=self._poll_loop, args=(job_type,), name=f"poll-{job_type}", daemon=True)
            for job_type in self._handlers
        ]
        self._started = False
        self._stop_lock = threading.Lock()
        self._stopped: bool | None = None  # the result of the first stop()

    @property
    def job_types(self) -> tuple[str, ...]:
        return tuple(self._handlers)

    # ------------------------------------------------------------------ life cycle

    def start(self) -> None:
        with self._lock:
            if self._started:
                raise RuntimeError("The worker runtime was started already (a stopped one cannot restart)")
            self._started = self._accepting = True
        self._extender.start()
        for poller in self._pollers:
            poller.start()
        self._log().info("worker runtime started", jobTypes=list(self._handlers), maxConcurrent=self._max_concurrent)

    def stop(self, grace: timedelta = timedelta(seconds=30)) -> bool:
        """Stop activating, let running handlers finish within ``grace``, and give back the jobs of
        those that do not (same retries, so another worker takes them at once; the late results are
        dropped). True if everything ended in time.

        A long poll in progress cannot be interrupted: jobs it still returns are given back at once,
        and ``stop`` waits for it up to the grace (``poll_timeout`` below the grace keeps it clean)."""
        with self._stop_lock:  # a second caller waits for the first stop and shares its result
            if self._stopped is None:
                self._stopped = self._stop(time.monotonic() + grace.total_seconds())
            return self._stopped

    def _stop(self, deadline: float) -> bool:
        with self._lock:
            self._accepting = False
        self._stopping.set()
        for slots in self._slots.values():
            slots.wake()
        handlers_done = self._wait_idle(deadline)
        if not handlers_done:
            self._abandon_in_flight()
        for poller in self._pollers:
            if poller.is_alive():
                poller.join(max(0.0, deadline - time.monotonic()))
        polls_done = not any(poller.is_alive() for poller in self._pollers)
        self._extender.stop()
        self._executor.shutdown(wait=False, cancel_futures=True)
        clean = handlers_done and polls_done
        self._log().info("worker runtime stopped", clean=clean, handlersDone=handlers_done, pollsDone=polls_done)
        return clean

    def __enter__(self) -> WorkerRuntime:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def in_flight(self) -> int:
        with self._lock:
            return len(self._in_flight)

    def _wait_idle(self, deadline: float) -> bool:
        with self._idle:
            while self._in_flight:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._idle.wait(remaining)
            return True

    # ------------------------------------------------------------------ polling

    def _poll_loop(self, job_type: str) -> None:
        slots = self._slots[job_type]
        backoff_s = self._poll_error_backoff_s
        log = self._log(jobType=job_type)
        while not self._stopping.is_set():
            wanted = slots.take(self._stopping)
            if wanted == 0:
                break
            started = time.monotonic()
            try:
                jobs = self._client.activate_jobs(
                    job_type,
                    worker=self.worker_id,
                    max_jobs=wanted,
                    timeout_ms=self._job_timeout_ms,
                    request_timeout_ms=self._poll_timeout_ms,
                )
            except Exception as error:
                # Keep serving: the engine may be restarting. Logged and counted, never swallowed.
                slots.give(wanted)
                self.metrics.poll_errors.labels(job_type).inc()
                log.warning("job activation failed", error=f"{type(error).__name__}: {error}", retryInS=backoff_s)
                self._stopping.wait(backoff_s)
                backoff_s = min(backoff_s * 2, self._max_poll_error_backoff_s)
                continue
            backoff_s = self._poll_error_backoff_s
            self.metrics.activation_latency.labels(job_type, "jobs" if jobs else "empty").observe(
                time.monotonic() - started
            )
            slots.give(max(wanted - len(jobs), 0))
            for job in jobs:
                self._dispatch(job, slots)
        log.debug("poll loop ended")

    def _dispatch(self, job: Job, slots: _Slots) -> None:
        entry = _InFlight(job, slots, self._job_log(job))
        with self._lock:
            accepting = self._accepting
            if accepting:
                self._in_flight[job.key] = entry
        if not accepting:
            # Activated by a poll that was under way when the runtime began to stop.
            self._give_back(entry)
            slots.give()
            return
        self.metrics.in_flight.labels(job.type).inc()
        self._extender.track(entry)
        try:
            self._executor.submit(self._handle, entry)
        except RuntimeError:
            # The executor shut down: a stop whose grace ran out while this poll was under way.
            with entry.lock:
                given_back = entry.abandoned
                entry.abandoned = True
            if not given_back:
                self._give_back(entry)
            self._finish(entry)

    def _log(self, **fields: Any) -> FilteringBoundLogger:
        return self._logger.bind(workerId=self.worker_id, **fields)

    def _job_log(self, job: Job) -> FilteringBoundLogger:
        return self._log(
            jobKey=job.key, jobType=job.type, processInstanceKey=job.process_instance_key, elementId=job.element_id
        )

    # ------------------------------------------------------------------ handling

    def _handle(self, entry: _InFlight) -> None:
        job = entry.job
        handler = self._handlers[job.type]
        context = {
            "jobKey": job.key,
            "jobType": job.type,
            "processInstanceKey": job.process_instance_key,
            "elementId": job.element_id,
            "workerId": self.worker_id,
        }
        try:
            # Bound for the handler's own log lines too (application services log through structlog).
            with structlog.contextvars.bound_contextvars(**context):
                outcome = outcome_of(handler, job, self._unexpected_error_backoff_ms)
            self._report(entry, outcome)
        finally:
            self._finish(entry)

    def _report(self, entry: _InFlight, outcome: Outcome) -> None:
        job, log = entry.job, entry.log
        with entry.lock:
            abandoned = entry.abandoned
            entry.reporting = not abandoned
        if abandoned:
            outcome = Abandoned(outcome.name)
        else:
            try:
                outcome.report(self._client, job)
            except Exception as error:
                # Rejected (the job timed out, its instance was canceled) or unreachable: the engine
                # keeps the job and times it out. Logged and counted here: the executor would swallow it.
                self.metrics.outcomes.labels(job.type, "report_failed").inc()
                log.error(
                    "job outcome could not be reported",
                    outcome=outcome.name,
                    error=f"{type(error).__name__}: {error}",
                    durationMs=_elapsed_ms(entry),
                    exc_info=not isinstance(error, WorkflowClientError),
                )
                return
        self.metrics.outcomes.labels(job.type, outcome.name).inc()
        self.metrics.handling_duration.labels(job.type, outcome.name).observe(time.monotonic() - entry.started)
        outcome.log(log, durationMs=_elapsed_ms(entry))

    def _finish(self, entry: _InFlight) -> None:
        self._extender.untrack(entry)
        with self._idle:
            self._in_flight.pop(entry.job.key, None)
            self._idle.notify_all()
        self.metrics.in_flight.labels(entry.job.type).dec()
        entry.slots.give()

    # ------------------------------------------------------------------ timeouts and shutdown

    def _extend(self, entry: _InFlight) -> None:
        with entry.lock:
            if entry.reporting or entry.abandoned:
                return
        try:
            self._client.update_job_timeout(entry.job.key, self._job_timeout_ms)
        except Exception as error:
            # Most often the handler finished (or the job timed out) just now; the outcome says which.
            # Never raised: it would end the extender thread, and with it every other job's extension.
            entry.log.warning("job timeout extension failed", error=f"{type(error).__name__}: {error}")
            return
        self.metrics.timeout_extensions.labels(entry.job.type).inc()
        entry.log.info("job timeout extended", timeoutMs=self._job_timeout_ms, handlingMs=_elapsed_ms(entry))

    def _abandon_in_flight(self) -> None:
        with self._lock:
            entries = list(self._in_flight.values())
        for entry in entries:
            with entry.lock:
                if entry.reporting:
                    continue  # finished meanwhile: its own outcome goes out
                entry.abandoned = True
            self._extender.untrack(entry)
            self._give_back(entry)

    def _give_back(self, entry: _InFlight) -> None:
        """Hand a job back untouched (same retries, no back-off) so another worker takes it now."""
        job = entry.job
        try:
            self._client.fail_job(
                job.key, retries=job.retries, error_message=f"given back: worker {self.worker_id} is shutting down"
            )
        except Exception as error:
            entry.log.warning("job give-back failed; it runs again after its timeout", error=str(error))
            return
        self.metrics.outcomes.labels(job.type, "given_back").inc()
        entry.log.info("job given back", outcome="given_back", retries=job.retries)


def _ms(duration: timedelta) -> int:
    return int(duration.total_seconds() * 1000)


def _elapsed_ms(entry: _InFlight) -> int:
    return int((time.monotonic() - entry.started) * 1000)
