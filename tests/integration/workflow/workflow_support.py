"""Helpers of the workflow suite: a client that reports the commands it forwards (so tests wait on
events, not on time), unique names and BPMN models."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from oms.engine.testing.builder import process
from oms.workflow.client import (
    CorrelatedMessage,
    CreatedInstance,
    DeploymentResult,
    IncidentSummary,
    Job,
    ProcessInstanceSummary,
    PublishedMessage,
    WorkflowClient,
)

WAIT_S = 15.0  # an explicit upper bound on every wait: a hang fails the test instead of the run


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def one_task(process_id: str, job_type: str, *, retries: int = 3) -> bytes:
    return process(process_id).start_event().service_task("work", job_type=job_type, retries=retries).end_event().done()


def task_with_error_boundary(process_id: str, job_type: str, code: str) -> bytes:
    return (
        process(process_id)
        .start_event()
        .service_task("work", job_type=job_type)
        .end_event("done")
        .boundary_error("failed", attached_to="work", code=code)
        .end_event("handled")
        .done()
    )


def waits_for_message(process_id: str, message: str) -> bytes:
    return (
        process(process_id)
        .start_event()
        .intermediate_catch_message("wait", name=message, correlation_key="=orderId")
        .end_event("done")
        .done()
    )


@dataclass(frozen=True)
class Call:
    name: str
    job_key: int | None
    arguments: Mapping[str, Any]


class ObservedClient:
    """Forwards every call to a real client and records the job commands that went through, so a
    test can wait for "the runtime completed job X" as an event."""

    _JOB_COMMANDS = ("complete_job", "fail_job", "throw_error", "update_job_timeout", "update_job_retries")

    def __init__(self, inner: WorkflowClient) -> None:
        self.inner = inner
        self.calls: list[Call] = []
        self._condition = threading.Condition()

    def _record(self, name: str, job_key: int, **arguments: Any) -> None:
        with self._condition:
            self.calls.append(Call(name, job_key, arguments))
            self._condition.notify_all()

    def of(self, name: str, job_key: int | None = None) -> list[Call]:
        with self._condition:
            return [c for c in self.calls if c.name == name and (job_key is None or c.job_key == job_key)]

    def wait_for(
        self, name: str, *, count: int = 1, job_key: int | None = None, timeout_s: float = WAIT_S
    ) -> list[Call]:
        """Block until ``count`` calls of ``name`` (for ``job_key``, if given) have succeeded."""
        with self._condition:
            done = self._condition.wait_for(lambda: len(self._matching(name, job_key)) >= count, timeout_s)
            if not done:
                raise AssertionError(f"expected {count} {name} call(s) within {timeout_s} s, got {self.calls}")
            return self._matching(name, job_key)

    def _matching(self, name: str, job_key: int | None) -> list[Call]:
        return [c for c in self.calls if c.name == name and (job_key is None or c.job_key == job_key)]

    # the job commands: forwarded, then recorded (only calls that succeeded count)
    def complete_job(self, job_key: int, variables: Mapping[str, Any] | None = None) -> None:
        self.inner.complete_job(job_key, variables)
        self._record("complete_job", job_key, variables=variables)

    def fail_job(self, job_key: int, **kwargs: Any) -> None:
        self.inner.fail_job(job_key, **kwargs)
        self._record("fail_job", job_key, **kwargs)

    def throw_error(self, job_key: int, **kwargs: Any) -> None:
        self.inner.throw_error(job_key, **kwargs)
        self._record("throw_error", job_key, **kwargs)

    def update_job_timeout(self, job_key: int, timeout_ms: int) -> None:
        self.inner.update_job_timeout(job_key, timeout_ms)
        self._record("update_job_timeout", job_key, timeout_ms=timeout_ms)

    def update_job_retries(self, job_key: int, retries: int) -> None:
        self.inner.update_job_retries(job_key, retries)
        self._record("update_job_retries", job_key, retries=retries)

    # everything else: plain forwarding
    def activate_jobs(self, job_type: str, **kwargs: Any) -> list[Job]:
        return self.inner.activate_jobs(job_type, **kwargs)

    def deploy(self, *resources: tuple[str, bytes], tenant_id: str | None = None) -> DeploymentResult:
        return self.inner.deploy(*resources, tenant_id=tenant_id)

    def create_instance(self, bpmn_process_id: str, **kwargs: Any) -> CreatedInstance:
        return self.inner.create_instance(bpmn_process_id, **kwargs)

    def cancel_instance(self, process_instance_key: int) -> None:
        self.inner.cancel_instance(process_instance_key)

    def set_variables(self, scope_key: int, variables: Mapping[str, Any], *, local: bool = False) -> None:
        self.inner.set_variables(scope_key, variables, local=local)

    def publish_message(self, name: str, correlation_key: str, **kwargs: Any) -> PublishedMessage:
        return self.inner.publish_message(name, correlation_key, **kwargs)

    def correlate_message(self, name: str, correlation_key: str, **kwargs: Any) -> CorrelatedMessage:
        return self.inner.correlate_message(name, correlation_key, **kwargs)

    def resolve_incident(self, incident_key: int) -> None:
        self.inner.resolve_incident(incident_key)

    def search_instances(self, **kwargs: Any) -> list[ProcessInstanceSummary]:
        return self.inner.search_instances(**kwargs)

    def search_incidents(self, **kwargs: Any) -> list[IncidentSummary]:
        return self.inner.search_incidents(**kwargs)

    def close(self) -> None:
        self.inner.close()


def wait_until(check: Callable[[], bool], *, timeout_s: float = WAIT_S, what: str = "condition") -> None:
    """For effects that no event announces (a thread finishing after it reported nothing)."""
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout_s} s")
        time.sleep(0.01)


class Gate:
    """Handlers block on it; the test counts who is inside and opens it when it has checked."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._open = False
        self.inside = 0
        self.most_inside = 0
        self.entered: list[int] = []

    def pass_through(self, job_key: int) -> None:
        with self._condition:
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
            self.entered.append(job_key)
            self._condition.notify_all()
            opened = self._condition.wait_for(lambda: self._open, WAIT_S)
            self.inside -= 1
            self._condition.notify_all()
        if not opened:
            raise AssertionError("the test never opened the gate")

    def wait_inside(self, count: int, timeout_s: float = WAIT_S) -> None:
        with self._condition:
            if not self._condition.wait_for(lambda: self.inside >= count, timeout_s):
                raise AssertionError(f"expected {count} handler(s) inside within {timeout_s} s, got {self.inside}")

    def open(self) -> None:
        with self._condition:
            self._open = True
            self._condition.notify_all()


def job_keys(jobs: Sequence[Job]) -> list[int]:
    return [job.key for job in jobs]
