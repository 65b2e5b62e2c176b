"""``oms workflow check``: a model set that drops a job type still used by a deployed version with
active instances is refused; otherwise accepted; and the job types the running workers must serve
are listed per process version with active instances. On both back-ends."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner
from workflow_check_support import with_job_types

from oms.cli import app
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id
from oms.scheduler.engine_reads import EngineReads
from oms.workflow import processes
from oms.workflow.check import ModelError, check_deployment, job_types_of


def test_a_model_set_that_drops_a_job_type_of_a_running_version_is_refused(
    process_test: ProcessTestHarness, reads: EngineReads
) -> None:
    # given: version 1 uses reserve and bill; one instance waits at reserve
    pid = unique_id("fulfil")
    process_test.deploy(with_job_types(pid, "reserve", "bill"))
    process_test.create_instance(pid)
    # when: the new model renames bill to invoice
    report = check_deployment(reads, [("new.bpmn", with_job_types(pid, "reserve", "invoice"))])
    # then
    assert not report.ok
    (dropped,) = report.dropped
    assert dropped.job_type == "bill"
    assert [(v.process.bpmn_process_id, v.process.version, v.active_instances) for v in dropped.used_by] == [
        (pid, 1, 1)
    ]
    (running,) = report.running
    assert running.job_types == {"reserve", "bill"}
    assert report.job_types_to_serve == {"reserve", "bill", "invoice"}
    text = "\n".join(report.lines())
    assert f"refused: job type 'bill' is used by {pid} version 1" in text
    assert report.to_dict()["dropped"] == [{"jobType": "bill", "usedBy": [str(running.process.process_definition_key)]}]


def test_dropping_a_job_type_is_accepted_once_no_instance_of_its_version_is_active(
    process_test: ProcessTestHarness, reads: EngineReads
) -> None:
    # given: the only instance of version 1 has ended
    pid = unique_id("fulfil")
    process_test.deploy(with_job_types(pid, "reserve", "bill"))
    process_test.create_instance(pid)
    process_test.complete_job("reserve")
    process_test.complete_job("bill")
    # when
    report = check_deployment(reads, [("new.bpmn", with_job_types(pid, "reserve", "invoice"))])
    # then
    assert report.ok
    assert report.running == ()
    assert report.job_types_to_serve == {"reserve", "invoice"}


def test_a_job_type_moved_to_another_process_of_the_set_is_accepted(
    process_test: ProcessTestHarness, reads: EngineReads
) -> None:
    # given
    pid, other = unique_id("fulfil"), unique_id("billing")
    process_test.deploy(with_job_types(pid, "reserve", "bill"))
    process_test.create_instance(pid)
    # when
    report = check_deployment(
        reads, [("a.bpmn", with_job_types(pid, "reserve")), ("b.bpmn", with_job_types(other, "bill"))]
    )
    # then
    assert report.ok


def test_the_job_types_to_serve_are_listed_per_running_version(
    process_test: ProcessTestHarness, reads: EngineReads
) -> None:
    # given: versions 1 and 2 both have active instances, version 3 has none
    pid = unique_id("fulfil")
    process_test.deploy(with_job_types(pid, "reserve", "bill"))
    process_test.create_instance(pid)
    process_test.create_instance(pid)
    process_test.deploy(with_job_types(pid, "reserve", "invoice"))
    process_test.create_instance(pid)
    process_test.deploy(with_job_types(pid, "reserve", "invoice", "notify"))
    # when
    report = check_deployment(reads, [("new.bpmn", with_job_types(pid, "reserve", "invoice", "notify"))])
    # then
    assert [(v.process.version, v.active_instances, sorted(v.job_types)) for v in report.running] == [
        (1, 2, ["bill", "reserve"]),
        (2, 1, ["invoice", "reserve"]),
    ]
    assert [d.job_type for d in report.dropped] == ["bill"]


def test_the_oms_models_pass_against_an_engine_running_them(
    process_test: ProcessTestHarness, reads: EngineReads
) -> None:
    # given
    process_test.deploy(*processes.resources())
    process_test.create_instance(processes.ORDER_FULFILLMENT, {"orderId": "o-1", "tenantId": "t-1"})
    # when
    report = check_deployment(reads, processes.resources())
    # then
    assert report.ok
    (running,) = report.running
    assert "order.fulfillment.decompose" in running.job_types


def test_job_types_given_as_expressions_are_reported_apart() -> None:
    # given
    xml = with_job_types("dyn", "reserve").replace(b'type="reserve"', b'type="=jobTypeOf(step)"')
    # when
    found = job_types_of(xml)
    # then
    assert found["dyn"].job_types == frozenset()
    assert found["dyn"].dynamic == (("task_1", "=jobTypeOf(step)"),)
    with pytest.raises(ModelError):
        job_types_of(b"<not-bpmn/>")


def test_the_command_exits_non_zero_with_a_clear_message_when_it_refuses(
    process_test: ProcessTestHarness, engine_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    pid = unique_id("fulfil")
    process_test.deploy(with_job_types(pid, "reserve", "bill"))
    process_test.create_instance(pid)
    monkeypatch.setenv("OMS_DATABASE_URL", engine_database_url)
    monkeypatch.delenv("CAMUNDA_REST_ADDRESS", raising=False)
    monkeypatch.delenv("ZEEBE_REST_ADDRESS", raising=False)
    dropping, keeping = tmp_path / "dropping", tmp_path / "keeping"
    dropping.mkdir()
    keeping.mkdir()
    (dropping / f"{pid}.bpmn").write_bytes(with_job_types(pid, "reserve"))
    (keeping / f"{pid}.bpmn").write_bytes(with_job_types(pid, "reserve", "bill", "notify"))
    runner = CliRunner()
    # when
    refused = runner.invoke(app, ["workflow", "check", "--backend", "embedded", "--models", str(dropping)])
    accepted = runner.invoke(app, ["workflow", "check", "--backend", "embedded", "--models", str(keeping)])
    # then
    assert refused.exit_code == 1, refused.output
    assert f"refused: job type 'bill' is used by {pid} version 1" in refused.output
    assert accepted.exit_code == 0, accepted.output
    assert "bill, reserve" in accepted.output


def test_the_jobs_of_an_instance_are_read_with_their_failures(
    process_test: ProcessTestHarness, reads: EngineReads
) -> None:
    # given
    pid = unique_id("fulfil")
    process_test.deploy(with_job_types(pid, "reserve", "bill"))
    instance = process_test.create_instance(pid)
    job = process_test.activate_job("reserve")
    process_test.engine.fail_job(job.key, retries=2, error_message="inventory timed out")
    # when
    (found,) = reads.search_jobs(process_instance_key=instance.process_instance_key)
    # then
    assert (found.key, found.type, found.retries, found.error_message) == (job.key, "reserve", 2, "inventory timed out")
    assert found.is_live and found.has_failed
    # when: it completes
    process_test.complete_job("reserve")
    # then
    first, second = reads.search_jobs(process_instance_key=instance.process_instance_key)
    assert (first.key, first.is_live, second.type, second.is_live, second.has_failed) == (
        job.key,
        False,
        "bill",
        True,
        False,
    )
