"""``oms worker`` as a process: JSON logs, handler selection, back-end from configuration, serving
until told to stop, and the command line."""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import structlog
from prometheus_client import CollectorRegistry
from typer.testing import CliRunner
from workflow_support import WAIT_S, ObservedClient, one_task, unique, wait_until

from oms.cli import app
from oms.engine.api import Engine
from oms.workflow import job_types
from oms.workflow.camunda_sdk import CamundaWorkflowClient
from oms.workflow.client import Job, WorkflowClient
from oms.workflow.embedded import EmbeddedWorkflowClient
from oms.workflow.logging import configure_logging
from oms.workflow.runtime import WorkerRuntime
from oms.workflow.worker_main import WorkerOptions, open_client, parse_job_types, select_handlers, serve


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    configure_logging(stream=stream)
    try:
        yield stream
    finally:
        structlog.reset_defaults()


def _ok(job: Job) -> dict[str, Any]:
    return {"ok": True}


def test_logs_are_one_json_object_per_line_with_the_job_fields(client: WorkflowClient, json_logs: io.StringIO) -> None:
    # given
    observed = ObservedClient(client)
    process_id, job_type = unique("json-logs"), unique("job")
    observed.deploy(("model.bpmn", one_task(process_id, job_type)))
    runtime = WorkerRuntime(observed, {job_type: _ok}, worker_id="w-json", poll_timeout=timedelta(milliseconds=500))
    runtime.start()
    try:
        # when
        created = observed.create_instance(process_id)
        (call,) = observed.wait_for("complete_job")
        wait_until(lambda: '"job completed"' in json_logs.getvalue(), what="outcome logged")
    finally:
        runtime.stop(timedelta(seconds=5))
    # then
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines()]
    (line,) = [entry for entry in lines if entry["event"] == "job completed"]
    assert line["jobKey"] == call.job_key and line["jobType"] == job_type
    assert (line["processInstanceKey"], line["elementId"], line["workerId"]) == (
        created.process_instance_key,
        "work",
        "w-json",
    )
    assert line["level"] == "info" and line["outcome"] == "completed"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$", line["timestamp"])


def test_configure_logging_filters_below_the_level(json_logs: io.StringIO) -> None:
    configure_logging(stream=json_logs, level="WARNING")
    log = structlog.get_logger("test")
    log.info("hidden")
    log.warning("shown", jobKey=1)
    assert [json.loads(line)["event"] for line in json_logs.getvalue().splitlines()] == ["shown"]


def test_serve_runs_the_handlers_until_told_to_stop(engine: Engine) -> None:
    # given
    client = ObservedClient(EmbeddedWorkflowClient(engine))
    process_id, job_type = unique("serve"), unique("job")
    client.deploy(("model.bpmn", one_task(process_id, job_type)))
    stop = threading.Event()
    registry = CollectorRegistry()
    options = WorkerOptions(worker_id="w-serve", poll_timeout=timedelta(milliseconds=500))
    result: list[bool] = []
    serving = threading.Thread(target=lambda: result.append(serve(client, {job_type: _ok}, options, stop, registry)))
    serving.start()
    # when
    client.create_instance(process_id)
    client.wait_for("complete_job")
    stop.set()
    serving.join(WAIT_S)
    # then
    assert result == [True]
    assert registry.get_sample_value("oms_worker_jobs_total", {"job_type": job_type, "outcome": "completed"}) == 1


def test_select_handlers_serves_the_named_job_types_only() -> None:
    available = {"a": _ok, "b": _ok, "c": _ok}
    assert list(select_handlers(available, parse_job_types(" a, c ,"))) == ["a", "c"]
    assert list(select_handlers(available, [])) == ["a", "b", "c"]


def test_select_handlers_refuses_a_job_type_without_handler() -> None:
    with pytest.raises(ValueError, match=r"No handler for job type\(s\) x \(handlers exist for: a\)"):
        select_handlers({"a": _ok}, ["a", "x"])
    with pytest.raises(ValueError, match="No job handlers are registered"):
        select_handlers({}, [])


def test_the_back_end_is_camunda_when_its_address_is_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAMUNDA_REST_ADDRESS", "http://camunda.invalid:8080")
    monkeypatch.setenv("CAMUNDA_AUTH_STRATEGY", "NONE")
    with open_client("auto") as client:
        assert isinstance(client, CamundaWorkflowClient)


def test_the_back_end_is_the_embedded_engine_otherwise(
    monkeypatch: pytest.MonkeyPatch, engine_database_url: str
) -> None:
    monkeypatch.delenv("CAMUNDA_REST_ADDRESS", raising=False)
    monkeypatch.delenv("ZEEBE_REST_ADDRESS", raising=False)
    monkeypatch.setenv("OMS_DATABASE_URL", engine_database_url)
    with open_client("auto") as client:
        assert isinstance(client, EmbeddedWorkflowClient)
        assert client.search_instances(bpmn_process_id=unique("nothing")) == []


def test_an_unknown_back_end_is_refused() -> None:
    with pytest.raises(ValueError, match="Expected a backend"), open_client("zeebe-grpc"):
        pass


def test_the_worker_command_refuses_job_types_nobody_handles() -> None:
    result = CliRunner().invoke(app, ["worker", "--job-types", f"{job_types.QUOTE_APPROVAL_EVALUATE},typo"])
    assert result.exit_code == 2
    assert "No handler for job type(s)" in result.output


def test_the_stable_job_types_are_distinct_dotted_names() -> None:
    assert len(set(job_types.ALL_JOB_TYPES)) == len(job_types.ALL_JOB_TYPES) == 18
    assert all(re.fullmatch(r"[a-z]+(\.[a-z-]+){2}", name) for name in job_types.ALL_JOB_TYPES)
