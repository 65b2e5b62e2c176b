"""Escalation events: intermediate throw and end events; caught by a boundary event on an enclosing
sub-process (by code, catch-all; interrupting or not) or by an escalation event sub-process; an
uncaught escalation is no incident (Zeebe: the throw event just goes on)."""

from __future__ import annotations

from oms.engine.testing.builder import ProcessBuilder, process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def _sub_ending_with_escalation(process_id: str, code: str = "UP") -> ProcessBuilder:
    """start → sub(start → prepare → escalation end event) → done."""
    return (
        process(process_id)
        .start_event()
        .sub_process("sub")
        .start_event("sub_start")
        .service_task("prepare", job_type=f"{process_id}.prepare")
        .escalation_end_event("escalate", code=code)
        .end_sub_process()
        .end_event("done")
    )


def _sub_throwing_midway(process_id: str, code: str = "UP") -> ProcessBuilder:
    """start → sub(start → prepare → throw escalation → work → end) → done."""
    return (
        process(process_id)
        .start_event()
        .sub_process("sub")
        .start_event("sub_start")
        .service_task("prepare", job_type=f"{process_id}.prepare")
        .intermediate_throw_escalation("throw", code=code)
        .service_task("work", job_type=f"{process_id}.work")
        .end_event("sub_end")
        .end_sub_process()
        .end_event("done")
    )


# ----------------------------------------------------------------------------- boundary events


def test_escalation_boundary_with_matching_code_interrupts_the_sub_process(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("esc-boundary")
    process_test.deploy(
        _sub_ending_with_escalation(process_id)
        .boundary_escalation("caught", attached_to="sub", code="UP")
        .end_event("escalated")
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.complete_job(f"{process_id}.prepare")
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_terminated_elements("sub", "escalate")
        .has_completed_elements("caught", "escalated")
        .has_not_activated_elements("done")
        .has_no_incidents()
    )


def test_escalation_boundary_by_code_beats_the_catch_all(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("esc-code-first")
    process_test.deploy(
        _sub_ending_with_escalation(process_id)
        .boundary_escalation("catch_all", attached_to="sub")
        .end_event("by_catch_all")
        .boundary_escalation("by_code", attached_to="sub", code="UP")
        .end_event("by_code_end")
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.complete_job(f"{process_id}.prepare")
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_completed_elements("by_code", "by_code_end")
        .has_not_activated_elements("catch_all", "by_catch_all", "done")
    )


def test_catch_all_escalation_boundary_catches_any_code(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("esc-catch-all")
    process_test.deploy(
        _sub_ending_with_escalation(process_id, code="WHATEVER")
        .boundary_escalation("catch_all", attached_to="sub")
        .end_event("escalated")
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.complete_job(f"{process_id}.prepare")
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_terminated_elements("sub")
        .has_completed_elements("catch_all", "escalated")
        .has_not_activated_elements("done")
    )


def test_non_interrupting_escalation_boundary_keeps_the_sub_process_running(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("esc-non-interrupting")
    process_test.deploy(
        _sub_throwing_midway(process_id)
        .boundary_escalation("notify", attached_to="sub", code="UP", interrupting=False)
        .end_event("notified")
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.complete_job(f"{process_id}.prepare")
    # then
    (
        process_test.assert_that(instance)
        .is_active()
        .is_waiting_at_elements("sub", "work")
        .has_completed_elements("throw", "notify", "notified")
        .has_no_incidents()
    )
    process_test.complete_job(f"{process_id}.work")
    process_test.assert_that(instance).is_completed().has_completed_elements("sub_end", "sub", "done")


def test_escalation_propagates_through_nested_sub_processes(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("esc-nested")
    process_test.deploy(
        process(process_id)
        .start_event()
        .sub_process("outer")
        .start_event("outer_start")
        .sub_process("inner")
        .start_event("inner_start")
        .service_task("prepare", job_type=f"{process_id}.prepare")
        .escalation_end_event("escalate", code="UP")
        .end_sub_process()
        .end_event("outer_end")
        .end_sub_process()
        .end_event("done")
        .boundary_escalation("caught", attached_to="outer", code="UP")
        .end_event("escalated")
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.complete_job(f"{process_id}.prepare")
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_terminated_elements("outer", "inner")
        .has_completed_elements("caught", "escalated")
        .has_not_activated_elements("outer_end", "done")
    )


# ----------------------------------------------------------------------------- uncaught


def test_uncaught_escalation_throw_event_continues_without_incident(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("esc-uncaught")
    process_test.deploy(
        _sub_throwing_midway(process_id)
        .boundary_escalation("other", attached_to="sub", code="OTHER")
        .end_event("other_end")
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.complete_job(f"{process_id}.prepare")
    # then
    (
        process_test.assert_that(instance)
        .is_waiting_at_elements("sub", "work")
        .has_completed_elements("throw")
        .has_not_activated_elements("other", "other_end")
        .has_no_incidents()
    )


def test_uncaught_escalation_end_event_completes_the_process(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("esc-uncaught-end")
    process_test.deploy(
        process(process_id)
        .start_event()
        .service_task("prepare", job_type=f"{process_id}.prepare")
        .escalation_end_event("escalate", code="UP")
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.complete_job(f"{process_id}.prepare")
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("escalate").has_no_incidents()


# ----------------------------------------------------------------------------- event sub-processes


def test_non_interrupting_escalation_event_sub_process_runs_beside_the_main_flow(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("esc-esp")
    process_test.deploy(
        process(process_id)
        .start_event()
        .service_task("prepare", job_type=f"{process_id}.prepare")
        .intermediate_throw_escalation("throw", code="UP")
        .service_task("work", job_type=f"{process_id}.work")
        .end_event("done")
        .event_sub_process("on_escalation")
        .escalation_start_event("esc_start", code="UP", interrupting=False)
        .end_event("esc_end")
        .end_sub_process()
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.complete_job(f"{process_id}.prepare")
    # then
    (
        process_test.assert_that(instance)
        .is_waiting_at_elements("work")
        .has_completed_elements("throw", "on_escalation", "esc_start", "esc_end")
    )


def test_interrupting_escalation_event_sub_process_ends_the_scope(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("esc-esp-interrupting")
    process_test.deploy(
        _sub_throwing_midway(process_id)
        .event_sub_process("on_escalation")
        .escalation_start_event("esc_start")
        .end_event("esc_end")
        .end_sub_process()
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.complete_job(f"{process_id}.prepare")
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_terminated_elements("sub", "throw")
        .has_completed_elements("on_escalation", "esc_start", "esc_end")
        .has_not_activated_elements("work", "done")
    )
