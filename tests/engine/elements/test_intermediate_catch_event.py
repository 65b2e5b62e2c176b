"""Intermediate catch events: a message (by name and correlation key) or a timer (duration or
date) holds the token until it happens."""

from __future__ import annotations

from datetime import timedelta

from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def test_message_catch_event_continues_when_its_message_is_correlated(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("catch-message")
    message = f"{process_id}.shipped"
    process_test.deploy(
        process(process_id)
        .start_event()
        .intermediate_catch_message("shipped", name=message, correlation_key='="order-" + string(id)')
        .end_event("end")
        .done()
    )
    instance = process_test.create_instance(process_id, {"id": 7})
    process_test.assert_that(instance).is_waiting_at_elements("shipped").is_waiting_for_message(message, "order-7")
    # when
    process_test.publish_message(message, "order-7", {"carrier": "dhl"})
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("shipped", "end").has_variable(
        "carrier", "dhl"
    )


def test_message_catch_event_ignores_other_correlation_keys_and_names(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("catch-message-other")
    message = f"{process_id}.shipped"
    process_test.deploy(
        process(process_id)
        .start_event()
        .intermediate_catch_message("shipped", name=message, correlation_key="=id")
        .end_event("end")
        .done()
    )
    instance = process_test.create_instance(process_id, {"id": "a"})
    # when
    process_test.publish_message(message, "b")
    process_test.publish_message(f"{process_id}.other", "a")
    # then
    process_test.assert_that(instance).is_active().is_waiting_at_elements("shipped")


def test_message_is_correlated_to_one_waiting_instance_per_process(process_test: ProcessTestHarness) -> None:
    # given: two instances of one process wait for the same key
    process_id = unique_id("catch-message-once")
    message = f"{process_id}.shipped"
    process_test.deploy(
        process(process_id)
        .start_event()
        .intermediate_catch_message("shipped", name=message, correlation_key="=id")
        .end_event("end")
        .done()
    )
    first = process_test.create_instance(process_id, {"id": "same"})
    second = process_test.create_instance(process_id, {"id": "same"})
    # when
    process_test.publish_message(message, "same")
    # then
    states = sorted(
        process_test.engine.queries.process_instance(i.process_instance_key).state  # type: ignore[union-attr]
        for i in (first, second)
    )
    assert states == ["ACTIVE", "COMPLETED"]


def test_message_catch_event_output_mappings_apply(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("catch-message-outputs")
    message = f"{process_id}.shipped"
    process_test.deploy(
        process(process_id)
        .start_event()
        .intermediate_catch_message("shipped", name=message, correlation_key="=id", outputs={"tracking": "=code"})
        .end_event("end")
        .done()
    )
    instance = process_test.create_instance(process_id, {"id": "a"})
    # when
    process_test.publish_message(message, "a", {"code": "T-1"})
    # then
    process_test.assert_that(instance).is_completed().has_variable("tracking", "T-1").has_no_variable("code")


def test_timer_duration_fires_after_the_duration(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("catch-duration")
    process_test.deploy(
        process(process_id).start_event().intermediate_catch_timer("wait", duration="PT1H").end_event("end").done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.increase_time(timedelta(minutes=59))
    # then
    process_test.assert_that(instance).is_active().is_waiting_at_elements("wait")
    # when
    process_test.increase_time(timedelta(minutes=2))
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("wait", "end")


def test_timer_duration_from_a_feel_expression(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("catch-duration-feel")
    process_test.deploy(
        process(process_id).start_event().intermediate_catch_timer("wait", duration="=delay").end_event("end").done()
    )
    instance = process_test.create_instance(process_id, {"delay": "PT5M"})
    # when
    process_test.increase_time(timedelta(minutes=4))
    # then
    process_test.assert_that(instance).is_active()
    # when
    process_test.increase_time(timedelta(minutes=2))
    # then
    process_test.assert_that(instance).is_completed()


def test_timer_date_fires_at_the_date(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("catch-date")
    due = (process_test.clock.now() + timedelta(days=2)).replace(microsecond=0)
    process_test.deploy(
        process(process_id).start_event().intermediate_catch_timer("wait", date="=dueAt").end_event("end").done()
    )
    instance = process_test.create_instance(process_id, {"dueAt": due.isoformat()})
    # when
    process_test.increase_time(timedelta(days=1))
    # then
    process_test.assert_that(instance).is_active().is_waiting_at_elements("wait")
    # when
    process_test.increase_time(timedelta(days=1, minutes=1))
    # then
    process_test.assert_that(instance).is_completed()


def test_static_timer_date_in_the_past_fires_at_once(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("catch-date-past")
    process_test.deploy(
        process(process_id)
        .start_event()
        .intermediate_catch_timer("wait", date="2020-01-01T00:00:00Z")
        .end_event("end")
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.run_until_idle()
    # then
    process_test.assert_that(instance).is_completed()


def test_invalid_timer_expression_value_raises_an_incident(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("catch-bad-timer")
    process_test.deploy(
        process(process_id).start_event().intermediate_catch_timer("wait", duration="=delay").end_event("end").done()
    )
    # when
    instance = process_test.create_instance(process_id, {"delay": "soon"})
    # then
    process_test.assert_that(instance).is_active().has_incident("EXTRACT_VALUE_ERROR", "wait")
    # when: fixed and resolved
    incident = process_test.assert_that(instance).has_incident("EXTRACT_VALUE_ERROR", "wait")
    process_test.engine.set_variables(instance.process_instance_key, {"delay": "PT1M"})
    process_test.engine.resolve_incident(incident.key)
    process_test.increase_time(timedelta(minutes=2))
    # then
    process_test.assert_that(instance).is_completed()


def test_timer_duration_and_date_accept_feel_temporal_values(process_test: ProcessTestHarness) -> None:
    # given: a FEEL duration value and a FEEL date and time value
    process_id = unique_id("catch-feel-temporal")
    process_test.deploy(
        process(process_id)
        .start_event()
        .intermediate_catch_timer("first", duration='=duration("PT10M")')
        .intermediate_catch_timer("second", date='=date and time(startedAt) + duration("PT1H")')
        .end_event("end")
        .done()
    )
    started = process_test.clock.now().replace(microsecond=0)
    instance = process_test.create_instance(process_id, {"startedAt": started.isoformat()})
    # when
    process_test.increase_time(timedelta(minutes=11))
    # then
    process_test.assert_that(instance).is_waiting_at_elements("second").has_completed_elements("first")
    # when
    process_test.increase_time(timedelta(minutes=50))
    # then
    process_test.assert_that(instance).is_completed()
