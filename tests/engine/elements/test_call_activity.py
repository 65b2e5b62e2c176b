"""Call activity: starts the called process as a child (static or FEEL process id), passes variables
both ways (``propagateAllChildVariables``), links parent and child, cancels the child with the parent,
propagates an uncaught error of the child to the call activity's boundary, and raises
CALLED_ELEMENT_ERROR for an unknown process id."""

from __future__ import annotations

from datetime import timedelta

import pytest

from oms.engine.errors import InvalidStateError
from oms.engine.testing.builder import ProcessBuilder, process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def _child(child_id: str) -> bytes:
    return process(child_id).start_event().service_task("child_task", job_type=f"{child_id}.work").end_event().done()


def _parent(parent_id: str, child_id: str, **options: object) -> ProcessBuilder:
    return (
        process(parent_id)
        .start_event()
        .call_activity("call", process_id=child_id, **options)  # type: ignore[arg-type]
        .end_event("done")
    )


def _child_instance_key(process_test: ProcessTestHarness, child_id: str) -> int:
    (child,) = process_test.engine.queries.process_instances(child_id)
    return child.key


def test_call_activity_starts_the_child_and_completes_with_its_variables(process_test: ProcessTestHarness) -> None:
    # given
    parent_id, child_id = unique_id("parent"), unique_id("child")
    process_test.deploy(_child(child_id))
    process_test.deploy(_parent(parent_id, child_id).done())
    instance = process_test.create_instance(parent_id, {"orderId": "o-1"})
    # when
    job = process_test.complete_job(f"{child_id}.work", {"shipped": True})
    # then: the child saw the parent's variables and gave its own back
    assert job.variables["orderId"] == "o-1"
    process_test.assert_that(instance).is_completed().has_completed_elements("call", "done").has_variable(
        "shipped", True
    )
    process_test.assert_that(_child_instance_key(process_test, child_id)).is_completed()


def test_child_instance_links_to_its_parent(process_test: ProcessTestHarness) -> None:
    # given
    parent_id, child_id = unique_id("parent-link"), unique_id("child-link")
    process_test.deploy(_child(child_id), _parent(parent_id, child_id).done())
    # when
    instance = process_test.create_instance(parent_id)
    # then
    child_key = _child_instance_key(process_test, child_id)
    call = next(
        e
        for e in process_test.engine.queries.element_instances(instance.process_instance_key)
        if e.element_id == "call"
    )
    with process_test.engine.pool.connection() as conn:
        row = conn.execute(
            "SELECT parent_process_instance_key, parent_element_instance_key FROM engine.process_instance"
            " WHERE key = %s",
            (child_key,),
        ).fetchone()
    assert row == (instance.process_instance_key, call.key)


def test_process_id_can_be_a_feel_expression(process_test: ProcessTestHarness) -> None:
    # given
    parent_id, child_id = unique_id("parent-feel"), unique_id("child-feel")
    process_test.deploy(_child(child_id), _parent(parent_id, "= target").done())
    # when
    instance = process_test.create_instance(parent_id, {"target": child_id})
    # then
    process_test.assert_that(instance).is_waiting_at_elements("call")
    process_test.assert_that(_child_instance_key(process_test, child_id)).is_waiting_at_elements("child_task")


def test_without_propagate_all_child_variables_only_outputs_come_back(process_test: ProcessTestHarness) -> None:
    # given
    parent_id, child_id = unique_id("parent-outputs"), unique_id("child-outputs")
    process_test.deploy(
        _child(child_id),
        _parent(parent_id, child_id, propagate_all_child_variables=False, outputs={"total": "=amount * 2"}).done(),
    )
    instance = process_test.create_instance(parent_id)
    # when
    process_test.complete_job(f"{child_id}.work", {"amount": 21, "internal": "x"})
    # then
    process_test.assert_that(instance).is_completed().has_variable("total", 42).has_no_variable(
        "internal"
    ).has_no_variable("amount")


def test_cancelling_the_parent_cancels_the_child(process_test: ProcessTestHarness) -> None:
    # given
    parent_id, child_id = unique_id("parent-cancel"), unique_id("child-cancel")
    process_test.deploy(_child(child_id), _parent(parent_id, child_id).done())
    instance = process_test.create_instance(parent_id)
    job = process_test.activate_job(f"{child_id}.work")
    # when
    process_test.engine.cancel_instance(instance.process_instance_key)
    # then
    process_test.assert_that(instance).is_terminated()
    process_test.assert_that(_child_instance_key(process_test, child_id)).is_terminated()
    with pytest.raises(InvalidStateError):
        process_test.engine.complete_job(job.key)


def test_timer_boundary_on_the_call_activity_terminates_the_child(process_test: ProcessTestHarness) -> None:
    # given
    parent_id, child_id = unique_id("parent-timer"), unique_id("child-timer")
    process_test.deploy(
        _child(child_id),
        _parent(parent_id, child_id).boundary_timer("late", attached_to="call", duration="PT1H").end_event("x").done(),
    )
    instance = process_test.create_instance(parent_id)
    # when
    process_test.increase_time(timedelta(hours=2))
    # then
    process_test.assert_that(instance).is_completed().has_terminated_elements("call").has_completed_elements("late")
    process_test.assert_that(_child_instance_key(process_test, child_id)).is_terminated()


def test_uncaught_error_in_the_child_is_caught_by_the_call_activity_boundary(process_test: ProcessTestHarness) -> None:
    # given
    parent_id, child_id = unique_id("parent-error"), unique_id("child-error")
    process_test.deploy(
        _child(child_id),
        _parent(parent_id, child_id)
        .boundary_error("failed", attached_to="call", code="NO_STOCK")
        .end_event("x")
        .done(),
    )
    instance = process_test.create_instance(parent_id)
    # when
    process_test.throw_error(f"{child_id}.work", "NO_STOCK")
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("failed").has_no_incidents()
    process_test.assert_that(_child_instance_key(process_test, child_id)).is_terminated().has_no_incidents()


def test_error_end_event_of_a_child_that_ends_at_once_reaches_the_parent(process_test: ProcessTestHarness) -> None:
    # given
    parent_id, child_id = unique_id("parent-error-now"), unique_id("child-error-now")
    process_test.deploy(
        process(child_id).start_event().error_end_event("reject", code="REJECTED").done(),
        _parent(parent_id, child_id).boundary_error("rejected", attached_to="call").end_event("x").done(),
    )
    # when
    instance = process_test.create_instance(parent_id)
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("rejected")


def test_error_nobody_catches_raises_an_incident_in_the_child(process_test: ProcessTestHarness) -> None:
    # given
    parent_id, child_id = unique_id("parent-error-none"), unique_id("child-error-none")
    process_test.deploy(_child(child_id), _parent(parent_id, child_id).done())
    instance = process_test.create_instance(parent_id)
    # when
    process_test.throw_error(f"{child_id}.work", "BOOM")
    # then
    process_test.assert_that(_child_instance_key(process_test, child_id)).has_incident(
        "UNHANDLED_ERROR_EVENT", "child_task"
    )
    process_test.assert_that(instance).is_active().is_waiting_at_elements("call")


def test_a_child_that_completes_at_once_completes_the_call_activity(process_test: ProcessTestHarness) -> None:
    # given
    parent_id, child_id = unique_id("parent-now"), unique_id("child-now")
    process_test.deploy(
        process(child_id)
        .start_event()
        .script_task("s", expression="= 1 + 1", result_variable="two")
        .end_event()
        .done(),
        _parent(parent_id, child_id).done(),
    )
    # when
    instance = process_test.create_instance(parent_id)
    # then
    process_test.assert_that(instance).is_completed().has_variable("two", 2)


def test_unknown_process_id_raises_called_element_error(process_test: ProcessTestHarness) -> None:
    # given
    parent_id, child_id = unique_id("parent-unknown"), unique_id("child-unknown")
    process_test.deploy(_parent(parent_id, child_id).done())
    instance = process_test.create_instance(parent_id)
    incident = process_test.assert_that(instance).is_active().has_incident("CALLED_ELEMENT_ERROR", "call")
    # when: the process is deployed and the incident resolved
    process_test.deploy(_child(child_id))
    process_test.engine.resolve_incident(incident.key)
    # then
    process_test.assert_that(instance).is_waiting_at_elements("call")
    process_test.assert_that(_child_instance_key(process_test, child_id)).is_waiting_at_elements("child_task")
