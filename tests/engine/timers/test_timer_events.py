"""Timers fire by the engine clock: duration, date, cycle and FEEL timer values, and a timer whose
element ends first never fires. Time moves only through the virtual clock."""

from datetime import UTC, datetime, timedelta

import pytest

from oms.engine.errors import DeploymentRejectedError
from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness


def _records(process_test: ProcessTestHarness, instance_key: int, value_type: str, intent: str) -> list[str | None]:
    return [
        r.element_id
        for r in process_test.engine.queries.records(instance_key)
        if r.value_type == value_type and r.intent == intent
    ]


def test_a_duration_timer_fires_only_after_the_clock_passes_its_due_date(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("timer-duration")
        .start_event()
        .intermediate_catch_timer("wait", duration="PT10M")
        .end_event("done")
        .done()
    )
    instance = process_test.create_instance("timer-duration")
    # when
    process_test.clock.increase_time(timedelta(minutes=9, seconds=50))
    fired_early = process_test.engine.run_due_work()
    # then
    assert fired_early == 0
    process_test.assert_that(instance).is_active().is_waiting_at_elements("wait")
    # when
    process_test.clock.increase_time(timedelta(seconds=11))
    fired = process_test.engine.run_due_work()
    # then
    assert fired == 1
    process_test.assert_that(instance).is_completed().has_completed_elements("wait", "done", in_order=True)
    assert _records(process_test, instance.process_instance_key, "TIMER", "TRIGGERED") == ["wait"]


def test_a_date_timer_fires_once_its_date_has_passed(process_test: ProcessTestHarness) -> None:
    # given
    due = (process_test.clock.now() + timedelta(hours=2)).replace(microsecond=0)
    process_test.deploy(
        process("timer-date")
        .start_event()
        .intermediate_catch_timer("wait", date=due.isoformat())
        .end_event("done")
        .done()
    )
    instance = process_test.create_instance("timer-date")
    # when
    process_test.increase_time(timedelta(hours=1))
    # then
    process_test.assert_that(instance).is_active().is_waiting_at_elements("wait")
    # when
    process_test.increase_time(timedelta(hours=1, seconds=1))
    # then
    process_test.assert_that(instance).is_completed()


def test_a_date_timer_in_the_past_fires_at_the_next_run(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("timer-date-past")
        .start_event()
        .intermediate_catch_timer("wait", date=datetime(2020, 1, 1, tzinfo=UTC).isoformat())
        .end_event("done")
        .done()
    )
    instance = process_test.create_instance("timer-date-past")
    process_test.assert_that(instance).is_active()
    # when
    process_test.engine.run_due_work()
    # then
    process_test.assert_that(instance).is_completed()


def test_a_cycle_timer_on_a_non_interrupting_boundary_fires_as_often_as_its_repetitions(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.deploy(
        process("timer-cycle")
        .start_event()
        .service_task("work", job_type="timer.cycle.work")
        .end_event("done")
        .boundary_timer("remind", attached_to="work", cycle="R3/PT1M", interrupting=False)
        .service_task("send_reminder", job_type="timer.cycle.remind")
        .end_event("reminded")
        .done()
    )
    instance = process_test.create_instance("timer-cycle")
    key = instance.process_instance_key
    # when / then: once a minute, three times
    for expected in (1, 2, 3):
        process_test.increase_time(timedelta(minutes=1, seconds=1))
        assert _records(process_test, key, "TIMER", "TRIGGERED").count("remind") == expected
    process_test.increase_time(timedelta(minutes=10))
    assert _records(process_test, key, "TIMER", "TRIGGERED").count("remind") == 3
    assert _records(process_test, key, "PROCESS_INSTANCE", "ELEMENT_COMPLETED").count("remind") == 3
    reminders = [job for job in process_test.engine.queries.jobs(key) if job.type == "timer.cycle.remind"]
    assert len(reminders) == 3
    process_test.assert_that(instance).is_active().is_waiting_at_elements("work")


def test_a_cycle_timer_on_an_interrupting_boundary_is_rejected_at_deployment(process_test: ProcessTestHarness) -> None:
    # given
    xml = (
        process("timer-cycle-interrupting")
        .start_event()
        .service_task("work", job_type="timer.cycle.interrupting")
        .end_event("done")
        .boundary_timer("give_up", attached_to="work", cycle="R3/PT1M")
        .end_event("gave_up")
        .done()
    )
    # when / then (as Zeebe: a cycle only makes sense on a non-interrupting event)
    with pytest.raises(DeploymentRejectedError, match=r"give_up.*timeCycle is not allowed"):
        process_test.deploy(xml)


def test_a_feel_timer_expression_is_evaluated_when_the_timer_is_created(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("timer-feel-duration")
        .start_event()
        .intermediate_catch_timer("wait", duration='=duration("PT5M")')
        .end_event("done")
        .done(),
        process("timer-feel-string")
        .start_event()
        .intermediate_catch_timer("wait", duration='="PT" + string(minutes) + "M"')
        .end_event("done")
        .done(),
    )
    by_function = process_test.create_instance("timer-feel-duration")
    by_variable = process_test.create_instance("timer-feel-string", {"minutes": 5})
    # when
    process_test.increase_time(timedelta(minutes=4, seconds=50))
    # then
    process_test.assert_that(by_function).is_active()
    process_test.assert_that(by_variable).is_active()
    # when
    process_test.increase_time(timedelta(seconds=11))
    # then
    process_test.assert_that(by_function).is_completed()
    process_test.assert_that(by_variable).is_completed()


def test_a_feel_timer_expression_that_is_not_a_duration_raises_an_incident(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("timer-feel-invalid")
        .start_event()
        .intermediate_catch_timer("wait", duration="=delay")
        .end_event("done")
        .done()
    )
    # when
    instance = process_test.create_instance("timer-feel-invalid", {"delay": "soon"})
    # then
    incident = process_test.assert_that(instance).is_active().has_incident("EXTRACT_VALUE_ERROR", "wait")
    assert "soon" in incident.error_message
    process_test.increase_time(timedelta(days=1))
    process_test.assert_that(instance).has_not_activated_elements("done")


def test_a_timer_is_canceled_when_its_element_completes_first(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("timer-canceled")
        .start_event()
        .service_task("work", job_type="timer.canceled.work")
        .end_event("done")
        .boundary_timer("too_late", attached_to="work", duration="PT10M")
        .end_event("late")
        .done()
    )
    instance = process_test.create_instance("timer-canceled")
    key = instance.process_instance_key
    process_test.increase_time(timedelta(minutes=5))
    # when
    process_test.complete_job("timer.canceled.work")
    process_test.increase_time(timedelta(hours=1))
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("work", "done")
    process_test.assert_that(instance).has_not_activated_elements("too_late", "late")
    assert _records(process_test, key, "TIMER", "TRIGGERED") == []
    assert _records(process_test, key, "TIMER", "CANCELED") == ["too_late"]


def test_a_boundary_timer_that_fires_first_interrupts_its_task_and_cancels_the_job(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.deploy(
        process("timer-interrupts")
        .start_event()
        .service_task("work", job_type="timer.interrupts.work")
        .end_event("done")
        .boundary_timer("too_late", attached_to="work", duration="PT10M")
        .end_event("late")
        .done()
    )
    instance = process_test.create_instance("timer-interrupts")
    (job,) = process_test.engine.activate_jobs("timer.interrupts.work", worker="w")
    # when
    process_test.increase_time(timedelta(minutes=11))
    # then
    process_test.assert_that(instance).is_completed().has_terminated_elements("work").has_completed_elements("late")
    process_test.assert_job(job.key).is_in_state("CANCELED")


def test_the_timers_of_a_canceled_instance_never_fire(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("timer-instance-canceled")
        .start_event()
        .intermediate_catch_timer("wait", duration="PT1M")
        .end_event("done")
        .done()
    )
    instance = process_test.create_instance("timer-instance-canceled")
    # when
    process_test.engine.cancel_instance(instance.process_instance_key)
    process_test.clock.increase_time(timedelta(minutes=2))
    fired = process_test.engine.run_due_work()
    # then
    assert fired == 0
    process_test.assert_that(instance).is_terminated().has_terminated_elements("wait")
    assert _records(process_test, instance.process_instance_key, "TIMER", "TRIGGERED") == []
    assert _records(process_test, instance.process_instance_key, "TIMER", "CANCELED") == ["wait"]


def test_a_feel_date_timer_reads_now_from_the_engine_clock(process_test: ProcessTestHarness) -> None:
    # given: the virtual clock is a month ahead of the wall clock
    process_test.clock.increase_time(timedelta(days=30))
    process_test.deploy(
        process("timer-feel-date")
        .start_event()
        .intermediate_catch_timer("wait", date='=now() + duration("PT1H")')
        .end_event("done")
        .done()
    )
    instance = process_test.create_instance("timer-feel-date")
    # when
    process_test.increase_time(timedelta(minutes=59))
    # then
    process_test.assert_that(instance).is_active().is_waiting_at_elements("wait")
    # when
    process_test.increase_time(timedelta(minutes=2))
    # then
    process_test.assert_that(instance).is_completed()
