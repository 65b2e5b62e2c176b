"""A test harness over a real engine: virtual time, stand-in job workers, run until idle.

def test_order_is_reserved(process_test):
    process_test.deploy(process("order").start_event().service_task("reserve", job_type="reserve")
                        .end_event().done())
    process_test.mock_job_worker("reserve").then_complete({"reserved": True})
    instance = process_test.create_instance("order")
    process_test.run_until_idle()
    process_test.assert_that(instance).is_completed().has_variable("reserved", True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from oms.engine.api import Engine
from oms.engine.clock import ControlledClock
from oms.engine.commands.deployment import Deployment
from oms.engine.commands.instances import CreatedInstance
from oms.engine.commands.jobs import ActivatedJob
from oms.engine.testing.assertions import IncidentAssert, JobAssert, ProcessInstanceAssert


@dataclass
class MockJobWorker:
    """Handles every job of its type the same way whenever the harness runs until idle."""

    job_type: str
    action: Callable[[Engine, ActivatedJob], None] | None = None
    handled: list[ActivatedJob] = field(default_factory=list)

    def then_complete(self, variables: dict[str, Any] | None = None) -> MockJobWorker:
        self.action = lambda engine, job: engine.complete_job(job.key, variables or {})
        return self

    def then_throw_error(self, code: str, message: str = "", variables: dict[str, Any] | None = None) -> MockJobWorker:
        self.action = lambda engine, job: engine.throw_error(
            job.key, error_code=code, error_message=message, variables=variables
        )
        return self

    def then_fail(self, message: str = "failed", *, retries: int | None = None, backoff_ms: int = 0) -> MockJobWorker:
        self.action = lambda engine, job: engine.fail_job(
            job.key,
            retries=job.retries - 1 if retries is None else retries,
            error_message=message,
            retry_backoff_ms=backoff_ms,
        )
        return self

    def with_handler(self, handler: Callable[[Engine, ActivatedJob], None]) -> MockJobWorker:
        self.action = handler
        return self


class ProcessTestHarness:
    def __init__(self, engine: Engine, clock: ControlledClock) -> None:
        self.engine = engine
        self.clock = clock
        self.workers: dict[str, MockJobWorker] = {}

    # ------------------------------------------------------------------ driving

    def deploy(self, *resources: bytes | tuple[str, bytes]) -> Deployment:
        named = [r if isinstance(r, tuple) else (f"resource-{i}.bpmn", r) for i, r in enumerate(resources)]
        return self.engine.deploy(*named)

    def create_instance(
        self, bpmn_process_id: str, variables: dict[str, Any] | None = None, **kwargs: Any
    ) -> CreatedInstance:
        return self.engine.create_instance(bpmn_process_id, variables=variables, **kwargs)

    def mock_job_worker(self, job_type: str) -> MockJobWorker:
        worker = MockJobWorker(job_type)
        self.workers[job_type] = worker
        return worker

    def activate_job(self, job_type: str, *, timeout_ms: int = 60_000) -> ActivatedJob:
        jobs = self.engine.activate_jobs(job_type, worker="test", max_jobs=1, timeout_ms=timeout_ms)
        if not jobs:
            raise AssertionError(f"Expected an activatable job of type '{job_type}', but there is none")
        return jobs[0]

    def complete_job(self, job_type: str, variables: dict[str, Any] | None = None) -> ActivatedJob:
        job = self.activate_job(job_type)
        self.engine.complete_job(job.key, variables)
        return job

    def throw_error(self, job_type: str, code: str, message: str = "") -> ActivatedJob:
        job = self.activate_job(job_type)
        self.engine.throw_error(job.key, error_code=code, error_message=message)
        return job

    def publish_message(
        self,
        name: str,
        correlation_key: str,
        variables: dict[str, Any] | None = None,
        *,
        time_to_live: timedelta = timedelta(0),
        message_id: str | None = None,
    ) -> int:
        published = self.engine.publish_message(
            name,
            correlation_key,
            variables=variables,
            message_id=message_id,
            time_to_live_ms=int(time_to_live.total_seconds() * 1000),
        )
        return published.key

    def increase_time(self, delta: timedelta) -> None:
        """Move the virtual clock and do whatever became due (timers, time-outs, expiry)."""
        self.clock.increase_time(delta)
        self.run_until_idle()

    def run_until_idle(self, max_rounds: int = 1000) -> None:
        """Run due work and the mock workers until nothing is left to do."""
        for _ in range(max_rounds):
            progressed = self.engine.run_due_work()
            for worker in self.workers.values():
                if worker.action is None:
                    continue
                for job in self.engine.activate_jobs(worker.job_type, worker="mock", max_jobs=100):
                    worker.handled.append(job)
                    worker.action(self.engine, job)
                    progressed += 1
            if not progressed:
                return
        raise AssertionError(f"the engine was still busy after {max_rounds} rounds (an endless loop?)")

    # ------------------------------------------------------------------ assertions

    def assert_that(self, instance: CreatedInstance | int) -> ProcessInstanceAssert:
        key = instance if isinstance(instance, int) else instance.process_instance_key
        return ProcessInstanceAssert(self.engine.queries, key)

    def assert_job(self, job_key: int) -> JobAssert:
        return JobAssert(self.engine.queries, job_key)

    def assert_incident(self, incident_key: int) -> IncidentAssert:
        return IncidentAssert(self.engine.queries, incident_key)
