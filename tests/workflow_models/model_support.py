"""Helpers for the model tests: scripted mock workers and the start variables of each process."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from oms.engine.api import Engine
from oms.engine.commands.jobs import ActivatedJob
from oms.engine.testing.harness import ProcessTestHarness
from oms.workflow import processes
from oms.workflow.processes.variables import variable_problems

Handler = Callable[[Engine, ActivatedJob], None]

TENANT = "t-1"
CORRELATION_ID = "corr-1"


def start_variables(**ids: str) -> dict[str, Any]:
    """What the start relay gives every instance: the ids, tenant, correlation id and business key."""
    return {"tenantId": TENANT, "correlationId": CORRELATION_ID, "businessKey": f"key:{TENANT}", **ids}


def answers(*steps: dict[str, Any]) -> Handler:
    """A job handler that completes its n-th job with the n-th variables (and fails the test if
    more jobs come than there are answers)."""
    remaining = list(steps)

    def handle(engine: Engine, job: ActivatedJob) -> None:
        assert remaining, f"unexpected extra job of type {job.type} at {job.element_id}"
        engine.complete_job(job.key, remaining.pop(0))

    return handle


def then(*actions: Handler) -> Handler:
    """A job handler that runs the n-th action for its n-th job."""
    remaining: list[Handler] = list(actions)

    def handle(engine: Engine, job: ActivatedJob) -> None:
        assert remaining, f"unexpected extra job of type {job.type} at {job.element_id}"
        remaining.pop(0)(engine, job)

    return handle


def complete(variables: dict[str, Any] | None = None) -> Handler:
    return lambda engine, job: engine.complete_job(job.key, variables or {})


def throw(code: str, variables: dict[str, Any] | None = None) -> Handler:
    return lambda engine, job: engine.throw_error(job.key, error_code=code, error_message=code, variables=variables)


def element_ids(engine: Engine, process_instance_key: int, state: str | None = None) -> list[str]:
    """Element ids of the instance in order of their element instance keys (optionally in one state)."""
    return [
        element.element_id
        for element in engine.queries.element_instances(process_instance_key)
        if state is None or element.state == state
    ]


def count(items: Iterable[str], item: str) -> int:
    return sum(1 for candidate in items if candidate == item)


def recorded_variable_problems(harness: ProcessTestHarness) -> list[str]:
    """Every variable any instance of a model ever held (its VARIABLE records, local scopes
    included) that breaks the rule of ``oms.workflow.processes.variables``."""
    problems: list[str] = []
    for process_id in processes.PROCESS_IDS:
        for instance in harness.engine.queries.process_instances(process_id):
            for record in harness.engine.queries.records(instance.key):
                if record.value_type != "VARIABLE":
                    continue
                found = variable_problems(process_id, {record.value["name"]: record.value["value"]})
                problems += [f"instance {instance.key}: {problem}" for problem in found]
    return sorted(set(problems))
