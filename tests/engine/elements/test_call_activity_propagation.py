"""Errors and escalations that a called instance does not catch go up its chain of call activities,
as in Zeebe: to the call activity's boundary events and the scopes around it, then to the call
activity that called the parent, and so on. An uncaught error is an incident at its thrower; an
uncaught escalation is none (the thrower goes on)."""

from __future__ import annotations

from oms.engine.testing.builder import ProcessBuilder, process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def _only_instance(process_test: ProcessTestHarness, process_id: str) -> int:
    (instance,) = process_test.engine.queries.process_instances(process_id)
    return instance.key


def _escalating_child(child_id: str, code: str = "LATE") -> bytes:
    """start → prepare → throw escalation → work → end."""
    return (
        process(child_id)
        .start_event()
        .service_task("prepare", job_type=f"{child_id}.prepare")
        .intermediate_throw_escalation("escalate", code=code)
        .service_task("work", job_type=f"{child_id}.work")
        .end_event("child_end")
        .done()
    )


def _calling(parent_id: str, child_id: str) -> ProcessBuilder:
    """start → call(child) → done."""
    return process(parent_id).start_event().call_activity("call", process_id=child_id).end_event("done")


# ----------------------------------------------------------------------------- escalations


def test_an_escalation_the_child_does_not_catch_interrupts_the_call_activity_through_its_boundary(
    process_test: ProcessTestHarness,
) -> None:
    # given
    parent_id, child_id = unique_id("esc-parent"), unique_id("esc-child")
    process_test.deploy(_escalating_child(child_id))
    process_test.deploy(
        _calling(parent_id, child_id)
        .boundary_escalation("late", attached_to="call", code="LATE")
        .end_event("handled")
        .done()
    )
    instance = process_test.create_instance(parent_id)
    # when
    process_test.complete_job(f"{child_id}.prepare")
    # then: the call activity and its child are terminated; the parent leaves through the boundary
    process_test.assert_that(instance).is_completed().has_terminated_elements("call").has_completed_elements(
        "late", "handled"
    ).has_not_activated_elements("done")
    child = _only_instance(process_test, child_id)
    process_test.assert_that(child).is_terminated().has_terminated_elements("escalate").has_no_incidents()
    process_test.assert_that(child).has_not_activated_elements("work")


def test_a_non_interrupting_boundary_on_the_call_activity_leaves_the_child_running(
    process_test: ProcessTestHarness,
) -> None:
    # given
    parent_id, child_id = unique_id("esc-parent-non"), unique_id("esc-child-non")
    process_test.deploy(_escalating_child(child_id))
    process_test.deploy(
        _calling(parent_id, child_id)
        .boundary_escalation("late", attached_to="call", code="LATE", interrupting=False)
        .end_event("notified")
        .done()
    )
    instance = process_test.create_instance(parent_id)
    # when
    process_test.complete_job(f"{child_id}.prepare")
    # then: the parent took the boundary path, the child went on past its throw event
    child = _only_instance(process_test, child_id)
    process_test.assert_that(instance).is_active().has_completed_elements("late", "notified")
    process_test.assert_that(child).is_waiting_at_elements("work").has_completed_elements("escalate")
    process_test.complete_job(f"{child_id}.work")
    process_test.assert_that(instance).is_completed().has_completed_elements("call", "done")


def test_an_escalation_event_sub_process_around_the_call_activity_catches_it(
    process_test: ProcessTestHarness,
) -> None:
    # given: the parent catches by code in a non-interrupting escalation event sub-process
    parent_id, child_id = unique_id("esc-parent-esp"), unique_id("esc-child-esp")
    process_test.deploy(_escalating_child(child_id))
    process_test.deploy(
        _calling(parent_id, child_id)
        .event_sub_process("on_late")
        .escalation_start_event("late_start", code="LATE", interrupting=False)
        .end_event("late_handled")
        .end_sub_process()
        .done()
    )
    instance = process_test.create_instance(parent_id)
    # when
    process_test.complete_job(f"{child_id}.prepare")
    # then
    process_test.assert_that(instance).is_active().has_completed_elements("on_late", "late_handled")
    process_test.assert_that(_only_instance(process_test, child_id)).is_waiting_at_elements("work")


def test_around_the_call_activity_an_event_sub_process_catches_before_a_boundary_event_of_the_same_scope(
    process_test: ProcessTestHarness,
) -> None:
    # given: the sub-process around the call activity catches every escalation in a non-interrupting
    # event sub-process, and LATE exactly on an interrupting boundary event
    parent_id, child_id = unique_id("esc-parent-order"), unique_id("esc-child-order")
    process_test.deploy(_escalating_child(child_id))
    process_test.deploy(
        process(parent_id)
        .start_event()
        .sub_process("outer")
        .start_event("outer_start")
        .call_activity("call", process_id=child_id)
        .end_event("outer_end")
        .event_sub_process("on_any")
        .escalation_start_event("any_start", interrupting=False)
        .end_event("any_handled")
        .end_sub_process()
        .end_sub_process()
        .end_event("done")
        .boundary_escalation("late", attached_to="outer", code="LATE")
        .end_event("interrupted")
        .done()
    )
    instance = process_test.create_instance(parent_id)
    # when
    process_test.complete_job(f"{child_id}.prepare")
    # then: the event sub-process caught it (as inside the parent), so the child went on
    process_test.assert_that(instance).is_active().has_completed_elements("any_start", "any_handled")
    process_test.assert_that(instance).has_not_activated_elements("late")
    process_test.assert_that(_only_instance(process_test, child_id)).is_waiting_at_elements("work")


def test_an_escalation_nobody_catches_is_no_incident_and_the_child_goes_on(process_test: ProcessTestHarness) -> None:
    # given: the parent catches another code only
    parent_id, child_id = unique_id("esc-parent-none"), unique_id("esc-child-none")
    process_test.deploy(_escalating_child(child_id))
    process_test.deploy(
        _calling(parent_id, child_id)
        .boundary_escalation("other", attached_to="call", code="OTHER")
        .end_event("other_end")
        .done()
    )
    instance = process_test.create_instance(parent_id)
    # when
    process_test.complete_job(f"{child_id}.prepare")
    # then
    child = _only_instance(process_test, child_id)
    process_test.assert_that(child).is_waiting_at_elements("work").has_no_incidents()
    process_test.assert_that(instance).is_active().is_waiting_at_elements("call").has_no_incidents()
    process_test.assert_that(instance).has_not_activated_elements("other")


def test_an_escalation_goes_up_two_call_activities_to_the_grandparent(process_test: ProcessTestHarness) -> None:
    # given: grandparent → middle → child; only the grandparent catches
    grandparent_id, middle_id, child_id = unique_id("esc-gp"), unique_id("esc-mid"), unique_id("esc-leaf")
    process_test.deploy(_escalating_child(child_id))
    process_test.deploy(_calling(middle_id, child_id).done())
    process_test.deploy(
        _calling(grandparent_id, middle_id)
        .boundary_escalation("late", attached_to="call", code="LATE")
        .end_event("handled")
        .done()
    )
    instance = process_test.create_instance(grandparent_id)
    # when
    process_test.complete_job(f"{child_id}.prepare")
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("late", "handled")
    process_test.assert_that(_only_instance(process_test, middle_id)).is_terminated()
    process_test.assert_that(_only_instance(process_test, child_id)).is_terminated().has_no_incidents()


def test_an_escalation_end_event_of_a_child_reaches_the_parent_before_the_child_completes_it(
    process_test: ProcessTestHarness,
) -> None:
    # given: the child ends with an escalation; the parent catches it without interrupting
    parent_id, child_id = unique_id("esc-parent-end"), unique_id("esc-child-end")
    process_test.deploy(process(child_id).start_event().escalation_end_event("escalate", code="LATE").done())
    process_test.deploy(
        _calling(parent_id, child_id)
        .boundary_escalation("late", attached_to="call", code="LATE", interrupting=False)
        .end_event("notified")
        .done()
    )
    # when
    instance = process_test.create_instance(parent_id)
    # then: both paths of the parent ran
    process_test.assert_that(instance).is_completed().has_completed_elements("late", "notified", "call", "done")
    process_test.assert_that(_only_instance(process_test, child_id)).is_completed()


# ----------------------------------------------------------------------------- errors


def _failing_leaf(child_id: str) -> bytes:
    return process(child_id).start_event().service_task("leaf_task", job_type=f"{child_id}.work").end_event().done()


def test_an_error_nobody_catches_below_goes_up_to_the_grandparent(process_test: ProcessTestHarness) -> None:
    # given: grandparent → middle → child; the middle does not catch BOOM, the grandparent does
    grandparent_id, middle_id, child_id = unique_id("err-gp"), unique_id("err-mid"), unique_id("err-leaf")
    process_test.deploy(_failing_leaf(child_id))
    process_test.deploy(
        _calling(middle_id, child_id)
        .boundary_error("other", attached_to="call", code="OTHER")
        .end_event("other_end")
        .done()
    )
    process_test.deploy(
        _calling(grandparent_id, middle_id)
        .boundary_error("boom", attached_to="call", code="BOOM")
        .end_event("recovered")
        .done()
    )
    instance = process_test.create_instance(grandparent_id)
    # when
    process_test.throw_error(f"{child_id}.work", "BOOM", "it broke")
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("boom", "recovered")
    process_test.assert_that(instance).has_terminated_elements("call").has_not_activated_elements("done")
    middle = _only_instance(process_test, middle_id)
    process_test.assert_that(middle).is_terminated().has_not_activated_elements("other").has_no_incidents()
    process_test.assert_that(_only_instance(process_test, child_id)).is_terminated().has_no_incidents()


def test_an_error_caught_by_an_event_sub_process_of_the_grandparent(process_test: ProcessTestHarness) -> None:
    # given
    grandparent_id, middle_id, child_id = unique_id("err-gp-esp"), unique_id("err-mid-esp"), unique_id("err-leaf-esp")
    process_test.deploy(_failing_leaf(child_id))
    process_test.deploy(_calling(middle_id, child_id).done())
    process_test.deploy(
        _calling(grandparent_id, middle_id)
        .event_sub_process("on_error")
        .error_start_event("error_start", code="BOOM")
        .end_event("error_handled")
        .end_sub_process()
        .done()
    )
    instance = process_test.create_instance(grandparent_id)
    # when
    process_test.throw_error(f"{child_id}.work", "BOOM")
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("on_error", "error_handled")
    process_test.assert_that(_only_instance(process_test, middle_id)).is_terminated()


def test_an_error_no_ancestor_catches_is_an_incident_at_its_thrower(process_test: ProcessTestHarness) -> None:
    # given: three levels, nobody catches BOOM
    grandparent_id, middle_id, child_id = unique_id("err-gp-no"), unique_id("err-mid-no"), unique_id("err-leaf-no")
    process_test.deploy(_failing_leaf(child_id))
    process_test.deploy(_calling(middle_id, child_id).done())
    process_test.deploy(
        _calling(grandparent_id, middle_id)
        .boundary_error("other", attached_to="call", code="OTHER")
        .end_event("other_end")
        .done()
    )
    instance = process_test.create_instance(grandparent_id)
    # when
    process_test.throw_error(f"{child_id}.work", "BOOM")
    # then: an incident in the child, where the error was thrown; the ancestors wait
    child = _only_instance(process_test, child_id)
    process_test.assert_that(child).is_active().has_incident("UNHANDLED_ERROR_EVENT", "leaf_task")
    process_test.assert_that(_only_instance(process_test, middle_id)).is_active().has_no_incidents()
    process_test.assert_that(instance).is_active().is_waiting_at_elements("call").has_no_incidents()
