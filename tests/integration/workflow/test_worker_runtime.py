"""The worker runtime over both clients: outcomes of handlers, retries and incidents, bounded
concurrency, timeout extension, graceful shutdown, metrics and logs.

Tests wait on events (the commands the runtime sends, handlers entering a gate), each with an
explicit time limit; engine time moves with the controlled clock, never with sleeps.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import structlog
from prometheus_client import CollectorRegistry
from structlog.testing import capture_logs
from workflow_support import WAIT_S, Gate, ObservedClient, one_task, task_with_error_boundary, unique, wait_until

from oms.engine.api import Engine
from oms.engine.clock import ControlledClock
from oms.engine.search import JOBS, SearchQuery
from oms.workflow.client import Job, Unavailable, WorkflowClient
from oms.workflow.runtime import BusinessError, Handler, TransientError, WorkerRuntime


@pytest.fixture
def observed(client: WorkflowClient) -> ObservedClient:
    return ObservedClient(client)


@pytest.fixture
def runtimes() -> Iterator[list[WorkerRuntime]]:
    """Runtimes a test started; stopped at the end even when the test failed."""
    started: list[WorkerRuntime] = []
    yield started
    for runtime in started:
        runtime.stop(timedelta(seconds=5))


class Runner:
    def __init__(self, client: ObservedClient, runtimes: list[WorkerRuntime]) -> None:
        self.client = client
        self._runtimes = runtimes

    def start(self, handlers: Mapping[str, Handler], **options: Any) -> WorkerRuntime:
        options.setdefault("worker_id", "test-worker")
        options.setdefault("poll_timeout", timedelta(milliseconds=500))  # stop() waits for a poll under way
        runtime = WorkerRuntime(self.client, handlers, **options)
        self._runtimes.append(runtime)
        runtime.start()
        return runtime


@pytest.fixture
def runner(observed: ObservedClient, runtimes: list[WorkerRuntime]) -> Runner:
    return Runner(observed, runtimes)


def _deploy_one_task(client: WorkflowClient, *, retries: int = 3) -> tuple[str, str]:
    process_id, job_type = unique("runtime"), unique("job")
    client.deploy(("model.bpmn", one_task(process_id, job_type, retries=retries)))
    return process_id, job_type


def _state(client: WorkflowClient, process_instance_key: int) -> str:
    (instance,) = client.search_instances(process_instance_key=process_instance_key)
    return instance.state


# ---------------------------------------------------------------------------------------- outcomes


def test_completes_the_job_with_the_variables_the_handler_returns(runner: Runner, engine: Engine) -> None:
    # given
    client = runner.client
    process_id, job_type = _deploy_one_task(client)
    seen: list[Job] = []

    def reserve(job: Job) -> dict[str, Any]:
        seen.append(job)
        return {"reserved": True, "orderId": job.variables["orderId"]}

    runner.start({job_type: reserve})
    # when
    created = client.create_instance(process_id, variables={"orderId": "o-1"})
    (call,) = client.wait_for("complete_job")
    # then
    (job,) = seen
    assert (job.type, job.element_id, job.worker, job.variables) == (
        job_type,
        "work",
        "test-worker",
        {"orderId": "o-1"},
    )
    assert call.job_key == job.key
    assert _state(client, created.process_instance_key) == "COMPLETED"
    variables = {v.name: v.value for v in engine.queries.variables(created.process_instance_key)}
    assert variables == {"orderId": "o-1", "reserved": True}


def test_a_transient_error_fails_with_one_retry_less_and_the_job_runs_again_after_the_back_off(
    runner: Runner, engine: Engine, clock: ControlledClock
) -> None:
    # given
    client = runner.client
    process_id, job_type = _deploy_one_task(client)
    attempts: list[int] = []

    def flaky(job: Job) -> None:
        attempts.append(job.retries)
        if len(attempts) == 1:
            raise TransientError("inventory system timed out", backoff=timedelta(minutes=2))

    runner.start({job_type: flaky})
    # when
    created = client.create_instance(process_id)
    (failure,) = client.wait_for("fail_job")
    # then: failed with retries - 1 and the back-off, not activated again before it passes
    view = engine.queries.job(failure.job_key or 0)
    assert view is not None
    assert (view.state, view.retries, view.error_message) == ("FAILED", 2, "inventory system timed out")
    assert failure.arguments["retry_backoff_ms"] == 120_000
    assert view.retry_at is not None and view.retry_at > clock.now() + timedelta(seconds=100)
    # when: the clock passes the back-off
    clock.increase_time(timedelta(minutes=2, seconds=1))
    engine.run_due_work()
    client.wait_for("complete_job")
    # then
    assert attempts == [3, 2]
    assert _state(client, created.process_instance_key) == "COMPLETED"


def test_a_business_error_throws_a_bpmn_error_that_the_boundary_event_catches(runner: Runner, engine: Engine) -> None:
    # given
    client = runner.client
    process_id, job_type = unique("runtime-error"), unique("job")
    client.deploy(("model.bpmn", task_with_error_boundary(process_id, job_type, "NO_STOCK")))

    def reserve(job: Job) -> None:
        raise BusinessError("NO_STOCK", "no stock left at any site", {"shortage": 3})

    runner.start({job_type: reserve})
    # when
    created = client.create_instance(process_id)
    (thrown,) = client.wait_for("throw_error")
    # then
    assert thrown.arguments == {
        "error_code": "NO_STOCK",
        "error_message": "no stock left at any site",
        "variables": {"shortage": 3},
    }
    assert _state(client, created.process_instance_key) == "COMPLETED"
    elements = {e.element_id: e.state for e in engine.queries.element_instances(created.process_instance_key)}
    assert elements["work"] == "TERMINATED" and elements["handled"] == "COMPLETED" and "done" not in elements


def test_an_unexpected_exception_fails_the_job_with_its_message(runner: Runner, engine: Engine) -> None:
    # given
    client = runner.client
    process_id, job_type = _deploy_one_task(client)

    def broken(job: Job) -> None:
        raise ValueError("unknown product offering 'po-9'")

    # A long back-off keeps the job parked after its first failure, so the test can read it.
    runner.start({job_type: broken}, unexpected_error_backoff=timedelta(hours=1))
    # when
    client.create_instance(process_id)
    (failure,) = client.wait_for("fail_job")
    # then
    view = engine.queries.job(failure.job_key or 0)
    assert view is not None
    assert (view.state, view.retries) == ("FAILED", 2)
    assert view.error_message == "ValueError: unknown product offering 'po-9'"


def test_a_handler_returning_something_other_than_variables_fails_the_job(runner: Runner, engine: Engine) -> None:
    client = runner.client
    process_id, job_type = _deploy_one_task(client)
    runner.start({job_type: lambda job: ["not", "a", "mapping"]}, unexpected_error_backoff=timedelta(hours=1))  # type: ignore[arg-type, return-value]
    client.create_instance(process_id)
    (failure,) = client.wait_for("fail_job")
    assert str(failure.arguments["error_message"]).startswith("TypeError: Expected the handler to return a mapping")


def test_a_job_out_of_retries_raises_an_incident(runner: Runner) -> None:
    # given
    client = runner.client
    process_id, job_type = _deploy_one_task(client, retries=2)
    attempts: list[int] = []

    def down(job: Job) -> None:
        attempts.append(job.retries)
        raise TransientError("billing system down", backoff=timedelta(0))

    runner.start({job_type: down})
    # when
    created = client.create_instance(process_id)
    client.wait_for("fail_job", count=2)
    # then
    assert attempts == [2, 1]
    (incident,) = client.search_incidents(process_instance_key=created.process_instance_key)
    assert (incident.error_type, incident.error_message) == ("JOB_NO_RETRIES", "billing system down")
    assert [call.arguments["retries"] for call in client.of("fail_job")] == [1, 0]


# ---------------------------------------------------------------------------------------- concurrency


def test_never_runs_more_handlers_at_once_than_allowed(runner: Runner, engine: Engine) -> None:
    # given: five jobs and room for two handlers
    client = runner.client
    process_id, job_type = _deploy_one_task(client)
    gate = Gate()
    runtime = runner.start({job_type: lambda job: gate.pass_through(job.key)}, max_concurrent=2)
    for _ in range(5):
        client.create_instance(process_id)
    # when: two handlers are blocked
    gate.wait_inside(2)
    # then: with every slot taken, the other jobs were not even activated
    assert sorted(_jobs_of(engine, job_type)) == ["ACTIVATABLE"] * 3 + ["ACTIVATED"] * 2
    assert runtime.in_flight() == 2
    # when: the handlers may finish
    gate.open()
    client.wait_for("complete_job", count=5)
    # then
    assert gate.most_inside == 2 and len(gate.entered) == 5


def _jobs_of(engine: Engine, job_type: str) -> list[str]:
    """The engine's own job states (the search API folds ACTIVATABLE and ACTIVATED into CREATED)."""
    rows = engine.search.search(JOBS, SearchQuery(filter={"type": job_type})).items
    views = [engine.queries.job(row["jobKey"]) for row in rows]
    return [view.state for view in views if view is not None]


def test_extends_the_timeout_of_a_handler_that_runs_long(
    runner: Runner, engine: Engine, clock: ControlledClock
) -> None:
    # given: a handler that blocks until the test lets it go
    client = runner.client
    process_id, job_type = _deploy_one_task(client)
    gate = Gate()
    runtime = runner.start(
        {job_type: lambda job: gate.pass_through(job.key)},
        job_timeout=timedelta(minutes=1),
        extend_every=timedelta(milliseconds=50),
    )
    created = client.create_instance(process_id)
    gate.wait_inside(1)
    (job_key,) = gate.entered
    # when: engine time passes the job's original deadline
    clock.increase_time(timedelta(minutes=10))
    # (two more extensions: one under way while the clock moved may have read it before)
    extensions = len(client.of("update_job_timeout"))
    client.wait_for("update_job_timeout", count=extensions + 2)
    engine.run_due_work()
    # then: the job did not time out; its deadline is a full timeout ahead of the moved clock
    view = engine.queries.job(job_key)
    assert view is not None and view.state == "ACTIVATED"
    assert view.deadline is not None and view.deadline > clock.now() + timedelta(seconds=50)
    # when: the handler finishes
    gate.open()
    client.wait_for("complete_job", job_key=job_key)
    # then
    assert _state(client, created.process_instance_key) == "COMPLETED"
    assert runtime.metrics.sample("oms_worker_job_timeout_extensions_total", {"job_type": job_type}) >= 2


# ---------------------------------------------------------------------------------------- shutdown


def test_graceful_shutdown_finishes_in_flight_jobs_and_stops_activating(runner: Runner, engine: Engine) -> None:
    # given: one handler slot, busy with the first job; a second job waits
    client = runner.client
    process_id, job_type = _deploy_one_task(client)
    gate = Gate()
    runtime = runner.start({job_type: lambda job: gate.pass_through(job.key)}, max_concurrent=1)
    first = client.create_instance(process_id)
    gate.wait_inside(1)
    second = client.create_instance(process_id)
    # when: stopping while the handler runs, then letting it finish
    result: list[bool] = []
    stopping = threading.Thread(target=lambda: result.append(runtime.stop(timedelta(seconds=10))))
    stopping.start()
    wait_until(lambda: runtime.stopping, what="runtime stopping")
    gate.open()
    stopping.join(WAIT_S)
    # then: the in-flight job completed; nothing else was activated, before or after the stop
    assert result == [True]
    assert _state(client, first.process_instance_key) == "COMPLETED"
    third = client.create_instance(process_id)
    assert len(gate.entered) == 1
    assert _state(client, second.process_instance_key) == _state(client, third.process_instance_key) == "ACTIVE"
    assert sorted(_jobs_of(engine, job_type)) == ["ACTIVATABLE", "ACTIVATABLE", "COMPLETED"]


def test_jobs_a_poll_brings_in_after_the_stop_began_are_given_back(runner: Runner, engine: Engine) -> None:
    # given: one slot busy, one slot long polling
    client = runner.client
    process_id, job_type = _deploy_one_task(client)
    gate = Gate()
    runtime = runner.start(
        {job_type: lambda job: gate.pass_through(job.key)}, max_concurrent=2, poll_timeout=timedelta(seconds=5)
    )
    client.create_instance(process_id)
    gate.wait_inside(1)
    # when: a job appears after the stop began (the long poll under way may still take it)
    stopping = threading.Thread(target=runtime.stop, args=(timedelta(seconds=10),))
    stopping.start()
    wait_until(lambda: runtime.stopping, what="runtime stopping")
    late = client.create_instance(process_id)
    gate.open()
    stopping.join(WAIT_S)
    # then: the late job is activatable with its retries untouched, whoever saw it
    assert len(gate.entered) == 1
    (late_job,) = engine.queries.jobs(late.process_instance_key)
    assert (late_job.state, late_job.retries) == ("ACTIVATABLE", 3)
    for give_back in client.of("fail_job"):
        assert give_back.arguments["retries"] == 3
        assert "shutting down" in str(give_back.arguments["error_message"])


def test_a_handler_that_overruns_the_grace_has_its_job_given_back_and_its_result_dropped(
    runner: Runner, engine: Engine
) -> None:
    # given: the only slot busy, so no long poll is under way to take the job again once given back
    client = runner.client
    process_id, job_type = _deploy_one_task(client)
    gate = Gate()
    runtime = runner.start({job_type: lambda job: gate.pass_through(job.key)}, max_concurrent=1)
    client.create_instance(process_id)
    gate.wait_inside(1)
    (job_key,) = gate.entered
    # when
    clean = runtime.stop(timedelta(milliseconds=200))
    # then
    assert clean is False
    (give_back,) = client.of("fail_job", job_key)
    assert give_back.arguments["retries"] == 3
    view = engine.queries.job(job_key)
    assert view is not None and (view.state, view.retries) == ("ACTIVATABLE", 3)
    # when: the handler ends after all
    gate.open()
    wait_until(lambda: runtime.in_flight() == 0, what="handler finished")
    # then: its result was not reported
    assert client.of("complete_job") == []
    assert runtime.metrics.sample("oms_worker_jobs_total", {"job_type": job_type, "outcome": "abandoned"}) == 1


# ---------------------------------------------------------------------------------------- observability


def test_counts_outcomes_and_times_activation_and_handling(runner: Runner) -> None:
    # given
    client = runner.client
    process_id, job_type = _deploy_one_task(client)
    registry = CollectorRegistry()
    runner.start({job_type: lambda job: {"done": True}}, registry=registry)
    # when
    client.create_instance(process_id)
    client.create_instance(process_id)
    client.wait_for("complete_job", count=2)
    # then
    labels = {"job_type": job_type, "outcome": "completed"}
    assert registry.get_sample_value("oms_worker_jobs_total", labels) == 2
    assert registry.get_sample_value("oms_worker_job_handling_seconds_count", labels) == 2
    activations = registry.get_sample_value(
        "oms_worker_job_activation_seconds_count", {"job_type": job_type, "result": "jobs"}
    )
    assert activations is not None and activations >= 1
    wait_until(
        lambda: registry.get_sample_value("oms_worker_jobs_in_flight", {"job_type": job_type}) == 0,
        what="no job in flight",
    )


def test_counts_each_kind_of_failure(runner: Runner) -> None:
    # given: three processes, each with its own way to fail
    client = runner.client
    transient_process, transient_type = _deploy_one_task(client)
    broken_process, broken_type = _deploy_one_task(client)
    error_process, error_type = unique("runtime-error"), unique("job")
    client.deploy(("model.bpmn", task_with_error_boundary(error_process, error_type, "NO")))

    def transient(job: Job) -> None:
        raise TransientError("later", backoff=timedelta(hours=1))

    def broken(job: Job) -> None:
        raise RuntimeError("bug")

    def business(job: Job) -> None:
        raise BusinessError("NO")

    runtime = runner.start(
        {transient_type: transient, broken_type: broken, error_type: business},
        unexpected_error_backoff=timedelta(hours=1),
    )
    # when
    for process_id in (transient_process, broken_process, error_process):
        client.create_instance(process_id)
    client.wait_for("fail_job", count=2)
    client.wait_for("throw_error")
    # then
    sample = runtime.metrics.sample
    assert sample("oms_worker_jobs_total", {"job_type": transient_type, "outcome": "transient_failure"}) == 1
    assert sample("oms_worker_jobs_total", {"job_type": broken_type, "outcome": "failed"}) == 1
    assert sample("oms_worker_jobs_total", {"job_type": error_type, "outcome": "business_error"}) == 1


def test_log_lines_of_an_outcome_carry_the_job_fields(runner: Runner) -> None:
    # given
    client = runner.client
    process_id, job_type = _deploy_one_task(client)
    handler_context: list[dict[str, Any]] = []

    def handler(job: Job) -> dict[str, Any]:
        handler_context.append(structlog.contextvars.get_contextvars())
        return {"ok": True}

    with capture_logs() as logs:
        runner.start({job_type: handler}, worker_id="worker-7")
        created = client.create_instance(process_id)
        (call,) = client.wait_for("complete_job")
        wait_until(lambda: any(entry["event"] == "job completed" for entry in logs), what="outcome logged")
    # then
    (line,) = [entry for entry in logs if entry["event"] == "job completed"]
    expected = {
        "jobKey": call.job_key,
        "jobType": job_type,
        "processInstanceKey": created.process_instance_key,
        "elementId": "work",
        "workerId": "worker-7",
    }
    assert line.items() >= {**expected, "outcome": "completed", "log_level": "info"}.items()
    assert line["variables"] == ["ok"] and isinstance(line["durationMs"], int)
    # the handler's own log lines carry the same fields (bound as context variables)
    assert handler_context == [expected]


def test_log_lines_of_a_failure_carry_the_error(runner: Runner) -> None:
    client = runner.client
    process_id, job_type = _deploy_one_task(client)

    def broken(job: Job) -> None:
        raise KeyError("customerId")

    with capture_logs() as logs:
        runner.start({job_type: broken}, unexpected_error_backoff=timedelta(hours=1))
        client.create_instance(process_id)
        client.wait_for("fail_job")
        wait_until(lambda: any(entry.get("outcome") == "failed" for entry in logs), what="failure logged")
    (line,) = [entry for entry in logs if entry.get("outcome") == "failed"]
    assert line["log_level"] == "error" and line["jobType"] == job_type
    assert (line["errorMessage"], line["retriesLeft"]) == ("KeyError: 'customerId'", 2)
    assert isinstance(line["exc_info"], KeyError)


# ---------------------------------------------------------------------------------------- failures around handlers


def test_variables_json_cannot_carry_fail_the_job_on_either_back_end(runner: Runner, engine: Engine) -> None:
    client = runner.client
    process_id, job_type = _deploy_one_task(client)
    runner.start({job_type: lambda job: {"amount": Decimal("9.99")}}, unexpected_error_backoff=timedelta(hours=1))
    client.create_instance(process_id)
    (failure,) = client.wait_for("fail_job")
    assert str(failure.arguments["error_message"]).startswith("TypeError: Expected JSON-serialisable variables")
    assert client.of("complete_job") == []


def test_an_outcome_the_engine_rejects_is_logged_and_counted(runner: Runner) -> None:
    # given: a handler still running when its instance is canceled
    client = runner.client
    process_id, job_type = _deploy_one_task(client)
    gate = Gate()
    with capture_logs() as logs:
        runtime = runner.start({job_type: lambda job: gate.pass_through(job.key)})
        created = client.create_instance(process_id)
        gate.wait_inside(1)
        client.cancel_instance(created.process_instance_key)
        # when
        gate.open()
        wait_until(lambda: runtime.in_flight() == 0, what="handler finished")
    # then
    labels = {"job_type": job_type, "outcome": "report_failed"}
    assert runtime.metrics.sample("oms_worker_jobs_total", labels) == 1
    (line,) = [entry for entry in logs if entry["event"] == "job outcome could not be reported"]
    assert (line["outcome"], line["jobType"], line["log_level"]) == ("completed", job_type, "error")
    assert line["error"].startswith(("NotFound", "InvalidState"))


class _FlakyActivation(ObservedClient):
    """Activation fails the first ``failures`` times, as an engine that is restarting would."""

    def __init__(self, inner: WorkflowClient, failures: int) -> None:
        super().__init__(inner)
        self.failures = failures

    def activate_jobs(self, job_type: str, **kwargs: Any) -> list[Job]:
        with self._condition:
            failing = self.failures > 0
            self.failures -= 1
        if failing:
            raise Unavailable("connection refused")
        return super().activate_jobs(job_type, **kwargs)


def test_keeps_polling_after_activation_fails(client: WorkflowClient, runtimes: list[WorkerRuntime]) -> None:
    # given
    flaky = _FlakyActivation(client, failures=3)
    process_id, job_type = _deploy_one_task(flaky)
    runtime = Runner(flaky, runtimes).start(
        {job_type: lambda job: {"ok": True}}, poll_error_backoff=timedelta(milliseconds=10)
    )
    # when
    created = flaky.create_instance(process_id)
    flaky.wait_for("complete_job")
    # then
    assert _state(flaky, created.process_instance_key) == "COMPLETED"
    assert runtime.metrics.sample("oms_worker_poll_errors_total", {"job_type": job_type}) == 3
