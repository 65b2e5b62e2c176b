"""Process instances: create (latest version, by version, by definition key), cancel (terminates
everything the instance owns) and set variables (local or propagated)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from oms.engine.commands.instances import CreatedInstance
from oms.engine.errors import InvalidArgumentError, InvalidStateError, NotFoundError
from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def _two_versions(process_test: ProcessTestHarness, process_id: str) -> tuple[int, int]:
    v1 = process_test.deploy(process(process_id).start_event().end_event("v1_end").done())
    v2 = process_test.deploy(process(process_id).start_event().end_event("v2_end").done())
    return v1.processes[0].key, v2.processes[0].key


def _records(process_test: ProcessTestHarness, instance: CreatedInstance, value_type: str) -> list[str]:
    return [
        r.intent
        for r in process_test.engine.queries.records(instance.process_instance_key)
        if r.value_type == value_type
    ]


# ----------------------------------------------------------------------------- create


def test_create_by_process_id_uses_the_latest_version(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("create-latest")
    _, v2_key = _two_versions(process_test, process_id)
    # when
    instance = process_test.create_instance(process_id, {"a": 1})
    # then
    assert (instance.version, instance.process_definition_key, instance.bpmn_process_id) == (2, v2_key, process_id)
    process_test.assert_that(instance).is_completed().has_completed_elements("v2_end").has_variable("a", 1)


def test_create_by_process_id_and_version(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("create-version")
    v1_key, _ = _two_versions(process_test, process_id)
    # when
    instance = process_test.engine.create_instance(process_id, version=1)
    # then
    assert (instance.version, instance.process_definition_key) == (1, v1_key)
    process_test.assert_that(instance).is_completed().has_completed_elements("v1_end")


def test_create_by_process_definition_key(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("create-key")
    v1_key, _ = _two_versions(process_test, process_id)
    # when
    instance = process_test.engine.create_instance(process_definition_key=v1_key)
    # then
    assert (instance.version, instance.bpmn_process_id) == (1, process_id)
    process_test.assert_that(instance).is_completed().has_completed_elements("v1_end")


def test_create_records_the_creation_and_the_element_life_cycle(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("create-records")
    process_test.deploy(process(process_id).start_event().end_event().done())
    # when
    instance = process_test.create_instance(process_id)
    # then
    assert _records(process_test, instance, "PROCESS_INSTANCE_CREATION") == ["CREATED"]
    root = [
        r.intent
        for r in process_test.engine.queries.records(instance.process_instance_key)
        if r.key == instance.process_instance_key and r.value_type == "PROCESS_INSTANCE"
    ]
    assert root == ["ELEMENT_ACTIVATING", "ELEMENT_ACTIVATED", "ELEMENT_COMPLETING", "ELEMENT_COMPLETED"]


@pytest.mark.parametrize(
    "arguments",
    [
        {"bpmn_process_id": "no-such-process-anywhere"},
        {"bpmn_process_id": "no-such-process-anywhere", "version": 1},
        {"process_definition_key": 987_654_321},
    ],
    ids=["unknown-id", "unknown-id-and-version", "unknown-key"],
)
def test_create_of_an_unknown_process_is_rejected(process_test: ProcessTestHarness, arguments: dict[str, Any]) -> None:
    # when / then
    with pytest.raises(NotFoundError):
        process_test.engine.create_instance(**arguments)


def test_create_of_an_unknown_version_is_rejected(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("create-unknown-version")
    process_test.deploy(process(process_id).start_event().end_event().done())
    # when / then
    with pytest.raises(NotFoundError):
        process_test.engine.create_instance(process_id, version=2)


def test_create_without_id_or_key_is_rejected(process_test: ProcessTestHarness) -> None:
    # when / then
    with pytest.raises(InvalidArgumentError):
        process_test.engine.create_instance()


@pytest.mark.parametrize("variables", [["not", "an", "object"], {"": 1}, {1: "numeric name"}], ids=repr)
def test_create_with_bad_variables_is_rejected(process_test: ProcessTestHarness, variables: Any) -> None:
    # given
    process_id = unique_id("create-bad-vars")
    process_test.deploy(process(process_id).start_event().end_event().done())
    # when / then
    with pytest.raises(InvalidArgumentError):
        process_test.engine.create_instance(process_id, variables=variables)
    assert process_test.engine.queries.definitions(process_id)  # the definition is still there


# ----------------------------------------------------------------------------- cancel


def _busy(process_id: str) -> bytes:
    return (
        process(process_id)
        .start_event()
        .parallel_gateway("fork")
        .service_task("task", job_type=f"{process_id}.work")
        .end_event("task_end")
        .boundary_timer("late", attached_to="task", duration="PT1H")
        .end_event("late_end")
        .branch_from("fork")
        .intermediate_catch_message("msg", name=f"{process_id}.msg", correlation_key="=id")
        .end_event("msg_end")
        .branch_from("fork")
        .intermediate_catch_timer("wait", duration="PT2H")
        .end_event("wait_end")
        .done()
    )


def test_cancel_terminates_every_element_job_timer_and_subscription(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("cancel")
    process_test.deploy(_busy(process_id))
    instance = process_test.create_instance(process_id, {"id": "k"})
    process_test.assert_that(instance).is_waiting_at_elements("task", "msg", "wait")
    # when
    process_test.engine.cancel_instance(instance.process_instance_key)
    # then
    process_test.assert_that(instance).is_terminated().has_terminated_elements(process_id, "task", "msg", "wait")
    queries = process_test.engine.queries
    live = [
        e
        for e in queries.element_instances(instance.process_instance_key)
        if e.state not in ("COMPLETED", "TERMINATED")
    ]
    assert live == []
    assert [j.state for j in queries.jobs(instance.process_instance_key)] == ["CANCELED"]
    assert [s.state for s in queries.message_subscriptions(instance.process_instance_key)] == ["DELETED"]
    assert _records(process_test, instance, "TIMER") == ["CREATED", "CREATED", "CANCELED", "CANCELED"]
    assert _records(process_test, instance, "JOB") == ["CREATED", "CANCELED"]
    # when: time passes and the message arrives
    process_test.increase_time(timedelta(hours=3))
    published = process_test.engine.publish_message(f"{process_id}.msg", "k")
    # then: nothing reaches the instance
    assert published.correlated_process_instance_keys == ()
    process_test.assert_that(instance).is_terminated().has_not_activated_elements("late", "msg_end", "wait_end")


def test_jobs_of_a_canceled_instance_cannot_be_completed(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("cancel-job")
    process_test.deploy(_busy(process_id))
    instance = process_test.create_instance(process_id, {"id": "k"})
    job = process_test.activate_job(f"{process_id}.work")
    process_test.engine.cancel_instance(instance.process_instance_key)
    # when / then
    with pytest.raises(InvalidStateError):
        process_test.engine.complete_job(job.key)
    process_test.assert_job(job.key).is_in_state("CANCELED")


def test_cancel_twice_is_rejected(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("cancel-twice")
    process_test.deploy(_busy(process_id))
    instance = process_test.create_instance(process_id, {"id": "k"})
    process_test.engine.cancel_instance(instance.process_instance_key)
    # when / then
    with pytest.raises(NotFoundError):
        process_test.engine.cancel_instance(instance.process_instance_key)
    process_test.assert_that(instance).is_terminated()


def test_cancel_of_a_completed_or_unknown_instance_is_rejected(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("cancel-completed")
    process_test.deploy(process(process_id).start_event().end_event().done())
    instance = process_test.create_instance(process_id)
    # when / then
    with pytest.raises(NotFoundError):
        process_test.engine.cancel_instance(instance.process_instance_key)
    with pytest.raises(NotFoundError):
        process_test.engine.cancel_instance(555_555_555)
    process_test.assert_that(instance).is_completed()


# ----------------------------------------------------------------------------- variables


def _task_with_local(process_id: str) -> bytes:
    return (
        process(process_id)
        .start_event()
        .service_task("task", job_type=f"{process_id}.work", inputs={"local": "=0"})
        .end_event()
        .done()
    )


def _task_key(process_test: ProcessTestHarness, instance: CreatedInstance) -> int:
    return next(
        e.key
        for e in process_test.engine.queries.element_instances(instance.process_instance_key)
        if e.element_id == "task"
    )


def _scope_variables(process_test: ProcessTestHarness, instance: CreatedInstance, scope_key: int) -> dict[str, Any]:
    return {
        v.name: v.value
        for v in process_test.engine.queries.variables(instance.process_instance_key)
        if v.scope_key == scope_key
    }


def test_set_variables_on_the_instance_creates_root_variables(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("set-root")
    process_test.deploy(_task_with_local(process_id))
    instance = process_test.create_instance(process_id, {"a": 1})
    # when
    process_test.engine.set_variables(instance.process_instance_key, {"a": 2, "b": [1, 2]})
    # then
    process_test.assert_that(instance).has_variable("a", 2).has_variable("b", [1, 2])
    assert process_test.activate_job(f"{process_id}.work").variables == {"a": 2, "b": [1, 2], "local": 0}


def test_set_variables_locally_keeps_them_on_the_element(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("set-local")
    process_test.deploy(_task_with_local(process_id))
    instance = process_test.create_instance(process_id, {"a": 1})
    task_key = _task_key(process_test, instance)
    # when
    process_test.engine.set_variables(task_key, {"a": "shadow", "fresh": True}, local=True)
    # then
    assert _scope_variables(process_test, instance, task_key) == {"local": 0, "a": "shadow", "fresh": True}
    process_test.assert_that(instance).has_variable("a", 1).has_no_variable("fresh")
    process_test.complete_job(f"{process_id}.work")
    process_test.assert_that(instance).is_completed().has_no_variable("fresh").has_variable("a", 1)


def test_set_variables_propagated_update_the_nearest_scope_else_the_root(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("set-propagate")
    process_test.deploy(_task_with_local(process_id))
    instance = process_test.create_instance(process_id, {"a": 1})
    task_key = _task_key(process_test, instance)
    # when
    process_test.engine.set_variables(task_key, {"local": 5, "a": 2, "fresh": True})
    # then
    assert _scope_variables(process_test, instance, task_key) == {"local": 5}
    process_test.assert_that(instance).has_variable("a", 2).has_variable("fresh", True).has_no_variable("local")


@pytest.mark.parametrize("variables", [["a"], {"": 1}, "text"], ids=repr)
def test_set_variables_with_bad_variables_is_rejected(process_test: ProcessTestHarness, variables: Any) -> None:
    # given
    process_id = unique_id("set-bad")
    process_test.deploy(_task_with_local(process_id))
    instance = process_test.create_instance(process_id, {"a": 1})
    # when / then
    with pytest.raises(InvalidArgumentError):
        process_test.engine.set_variables(instance.process_instance_key, variables)
    process_test.assert_that(instance).has_variable("a", 1)


def test_set_variables_on_an_unknown_or_finished_scope_is_rejected(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("set-finished")
    process_test.deploy(process(process_id).start_event().end_event().done())
    instance = process_test.create_instance(process_id)
    # when / then
    with pytest.raises(NotFoundError):
        process_test.engine.set_variables(instance.process_instance_key, {"a": 1})
    with pytest.raises(NotFoundError):
        process_test.engine.set_variables(444_444_444, {"a": 1})
