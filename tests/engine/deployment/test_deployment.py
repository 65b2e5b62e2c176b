"""Deployment: versions (unchanged content keeps its version, changed content gets the next one,
running instances stay on theirs), several resources at once, and all-or-nothing rejection of
invalid resources with a message that names the element."""

from __future__ import annotations

import pytest

from oms.engine.errors import DeploymentRejectedError
from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def _service(process_id: str, job_type: str) -> bytes:
    return process(process_id).start_event().service_task("task", job_type=job_type).end_event("end").done()


# ----------------------------------------------------------------------------- versions


def test_first_deployment_creates_version_one(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("deploy")
    # when
    deployment = process_test.deploy((f"{process_id}.bpmn", _service(process_id, "a")))
    # then
    (deployed,) = deployment.processes
    assert (deployed.bpmn_process_id, deployed.version, deployed.is_new_version) == (process_id, 1, True)
    assert deployed.resource_name == f"{process_id}.bpmn"
    assert [d.version for d in process_test.engine.queries.definitions(process_id)] == [1]


def test_redeploying_unchanged_content_keeps_the_version(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("deploy-same")
    first = process_test.deploy((f"{process_id}.bpmn", _service(process_id, "a")))
    # when
    second = process_test.deploy((f"{process_id}.bpmn", _service(process_id, "a")))
    # then
    assert second.key != first.key
    assert second.processes[0].version == 1
    assert second.processes[0].key == first.processes[0].key
    assert second.processes[0].is_new_version is False
    assert [d.version for d in process_test.engine.queries.definitions(process_id)] == [1]


def test_deploying_changed_content_creates_the_next_version(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("deploy-changed")
    first = process_test.deploy((f"{process_id}.bpmn", _service(process_id, "a")))
    # when
    second = process_test.deploy((f"{process_id}.bpmn", _service(process_id, "b")))
    third = process_test.deploy((f"{process_id}.bpmn", _service(process_id, "c")))
    # then
    assert [d.processes[0].version for d in (first, second, third)] == [1, 2, 3]
    assert second.processes[0].key != first.processes[0].key
    assert second.processes[0].is_new_version is True
    assert [d.version for d in process_test.engine.queries.definitions(process_id)] == [1, 2, 3]


def test_redeploying_an_older_content_creates_a_new_version(process_test: ProcessTestHarness) -> None:
    # given: only the latest version counts as "unchanged"
    process_id = unique_id("deploy-older")
    process_test.deploy((f"{process_id}.bpmn", _service(process_id, "a")))
    process_test.deploy((f"{process_id}.bpmn", _service(process_id, "b")))
    # when
    third = process_test.deploy((f"{process_id}.bpmn", _service(process_id, "a")))
    # then
    assert (third.processes[0].version, third.processes[0].is_new_version) == (3, True)


def test_running_instances_stay_on_their_version(process_test: ProcessTestHarness) -> None:
    # given: an instance of version 1 waits at its task
    process_id = unique_id("deploy-running")
    process_test.deploy((f"{process_id}.bpmn", _service(process_id, f"{process_id}.v1")))
    old = process_test.create_instance(process_id)
    # when: version 2 (another job type) is deployed and started
    process_test.deploy((f"{process_id}.bpmn", _service(process_id, f"{process_id}.v2")))
    new = process_test.create_instance(process_id)
    # then
    assert (old.version, new.version) == (1, 2)
    old_job = process_test.activate_job(f"{process_id}.v1")
    assert old_job.process_instance_key == old.process_instance_key
    assert old_job.process_definition_version == 1
    process_test.engine.complete_job(old_job.key)
    process_test.assert_that(old).is_completed()
    process_test.assert_that(new).is_active().is_waiting_at_elements("task")
    assert process_test.engine.activate_jobs(f"{process_id}.v1", max_jobs=1) == []
    process_test.complete_job(f"{process_id}.v2")
    process_test.assert_that(new).is_completed()


def test_several_resources_deploy_together(process_test: ProcessTestHarness) -> None:
    # given
    first_id, second_id = unique_id("deploy-multi-a"), unique_id("deploy-multi-b")
    # when
    deployment = process_test.deploy(
        (f"{first_id}.bpmn", _service(first_id, "a")), (f"{second_id}.bpmn", _service(second_id, "b"))
    )
    # then
    assert sorted((p.bpmn_process_id, p.version) for p in deployment.processes) == sorted(
        [(first_id, 1), (second_id, 1)]
    )
    assert {p.resource_name for p in deployment.processes} == {f"{first_id}.bpmn", f"{second_id}.bpmn"}
    process_test.assert_that(process_test.create_instance(first_id)).is_active()
    process_test.assert_that(process_test.create_instance(second_id)).is_active()


def test_one_resource_with_two_executable_processes_deploys_both(process_test: ProcessTestHarness) -> None:
    # given: the second process moved into the first definitions document
    first_id, second_id = unique_id("deploy-two-a"), unique_id("deploy-two-b")
    first = _service(first_id, "a")
    second = _service(second_id, "b")
    second_process = second[second.index(b"<bpmn:process") : second.index(b"</bpmn:process>") + len(b"</bpmn:process>")]
    second_process = second_process.replace(b'"task"', b'"task_b"').replace(b"_task", b"_task_b")
    second_process = second_process.replace(b'"start"', b'"start_b"').replace(b"flow_start_", b"flow_start_b_")
    second_process = second_process.replace(b'"end"', b'"end_b"')
    combined = first.replace(b"</bpmn:definitions>", second_process + b"</bpmn:definitions>")
    # when
    deployment = process_test.deploy(("both.bpmn", combined))
    # then
    assert sorted(p.bpmn_process_id for p in deployment.processes) == sorted([first_id, second_id])


def test_duplicate_process_ids_in_one_deployment_are_rejected(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("deploy-dup")
    # when / then
    with pytest.raises(DeploymentRejectedError) as rejected:
        process_test.deploy(("a.bpmn", _service(process_id, "a")), ("b.bpmn", _service(process_id, "b")))
    assert "duplicate process id" in str(rejected.value)
    assert process_test.engine.queries.definitions(process_id) == []


# ----------------------------------------------------------------------------- rejection


def _without_task_definition(process_id: str) -> bytes:
    xml = _service(process_id, "a")
    start = xml.index(b"<zeebe:taskDefinition")
    end = xml.index(b"/>", start) + 2
    return xml[:start] + xml[end:]


def test_service_task_without_task_definition_is_rejected_naming_the_element(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("reject-task-def")
    # when / then
    with pytest.raises(DeploymentRejectedError) as rejected:
        process_test.deploy((f"{process_id}.bpmn", _without_task_definition(process_id)))
    assert any("'task'" in p and "taskDefinition" in p for p in rejected.value.problems), rejected.value.problems
    assert process_test.engine.queries.definitions(process_id) == []


def test_invalid_feel_is_rejected_naming_the_element(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("reject-feel")
    xml = (
        process(process_id)
        .start_event()
        .exclusive_gateway("xor", default="else")
        .condition("= amount >")
        .end_event("big")
        .branch_from("xor")
        .sequence_flow_id("else")
        .end_event("small")
        .done()
    )
    # when / then
    with pytest.raises(DeploymentRejectedError) as rejected:
        process_test.deploy((f"{process_id}.bpmn", xml))
    assert any("FEEL" in p and "amount >" in p for p in rejected.value.problems), rejected.value.problems
    assert process_test.engine.queries.definitions(process_id) == []


def test_invalid_feel_in_a_mapping_is_rejected_naming_the_element(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("reject-feel-mapping")
    xml = (
        process(process_id).start_event().service_task("task", job_type="a", inputs={"x": "=(1 + "}).end_event().done()
    )
    # when / then
    with pytest.raises(DeploymentRejectedError) as rejected:
        process_test.deploy((f"{process_id}.bpmn", xml))
    assert any("'task'" in p and "FEEL" in p for p in rejected.value.problems), rejected.value.problems


def test_malformed_xml_is_rejected(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("reject-xml")
    xml = _service(process_id, "a")[:-40]
    # when / then
    with pytest.raises(DeploymentRejectedError) as rejected:
        process_test.deploy((f"{process_id}.bpmn", xml))
    assert f"{process_id}.bpmn" in str(rejected.value)
    assert process_test.engine.queries.definitions(process_id) == []


def test_nothing_is_deployed_when_one_of_two_resources_is_invalid(process_test: ProcessTestHarness) -> None:
    # given
    good_id, bad_id = unique_id("reject-good"), unique_id("reject-bad")
    # when / then
    with pytest.raises(DeploymentRejectedError) as rejected:
        process_test.deploy(
            (f"{good_id}.bpmn", _service(good_id, "a")), (f"{bad_id}.bpmn", _without_task_definition(bad_id))
        )
    assert len(rejected.value.problems) == 1
    assert rejected.value.problems[0].startswith(f"'{bad_id}.bpmn'")
    assert process_test.engine.queries.definitions(good_id) == []
    assert process_test.engine.queries.definitions(bad_id) == []


def test_every_problem_is_reported_at_once(process_test: ProcessTestHarness) -> None:
    # given: two resources, each with a mistake
    first_id, second_id = unique_id("reject-all-a"), unique_id("reject-all-b")
    # when / then
    with pytest.raises(DeploymentRejectedError) as rejected:
        process_test.deploy(
            (f"{first_id}.bpmn", _without_task_definition(first_id)), (f"{second_id}.bpmn", b"<not-closed>")
        )
    problems = rejected.value.problems
    assert any(p.startswith(f"'{first_id}.bpmn'") for p in problems)
    assert any(p.startswith(f"'{second_id}.bpmn'") for p in problems)


def test_rejected_deployment_leaves_the_deployed_version_unchanged(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("reject-keeps-version")
    process_test.deploy((f"{process_id}.bpmn", _service(process_id, "a")))
    # when
    with pytest.raises(DeploymentRejectedError):
        process_test.deploy((f"{process_id}.bpmn", _without_task_definition(process_id)))
    # then
    assert [d.version for d in process_test.engine.queries.definitions(process_id)] == [1]
    assert process_test.create_instance(process_id).version == 1


def test_unsupported_resource_type_is_rejected(process_test: ProcessTestHarness) -> None:
    # when / then
    with pytest.raises(DeploymentRejectedError) as rejected:
        process_test.deploy(("decision.dmn", b"<definitions/>"))
    assert "decision.dmn" in str(rejected.value)
