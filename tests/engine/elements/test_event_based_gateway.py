"""Event-based gateway: subscribes to the events after it; the first to happen wins, the other
subscriptions are closed and the token continues at the winning event."""

from __future__ import annotations

from datetime import timedelta

from oms.engine.commands.instances import CreatedInstance
from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def _timer_intents(process_test: ProcessTestHarness, instance: CreatedInstance) -> list[str]:
    return [
        r.intent for r in process_test.engine.queries.records(instance.process_instance_key) if r.value_type == "TIMER"
    ]


def _race(process_id: str) -> bytes:
    return (
        process(process_id)
        .start_event()
        .event_based_gateway("race")
        .intermediate_catch_message("paid", name=f"{process_id}.paid", correlation_key="=orderId")
        .end_event("paid_end")
        .branch_from("race")
        .intermediate_catch_timer("timeout", duration="PT10M")
        .end_event("timeout_end")
        .done()
    )


def test_waits_for_both_the_message_and_the_timer(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("ebg")
    process_test.deploy(_race(process_id))
    # when
    instance = process_test.create_instance(process_id, {"orderId": "o-1"})
    # then
    process_test.assert_that(instance).is_active().is_waiting_at_elements("race").is_waiting_for_message(
        f"{process_id}.paid", "o-1"
    )
    process_test.assert_that(instance).has_not_activated_elements("paid", "timeout")
    assert _timer_intents(process_test, instance) == ["CREATED"]


def test_message_wins_and_the_timer_is_canceled(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("ebg-message")
    process_test.deploy(_race(process_id))
    instance = process_test.create_instance(process_id, {"orderId": "o-1"})
    # when
    process_test.publish_message(f"{process_id}.paid", "o-1", {"amount": 3})
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_completed_elements("race", "paid", "paid_end")
        .has_not_activated_elements("timeout", "timeout_end")
        .has_variable("amount", 3)
    )
    assert _timer_intents(process_test, instance) == ["CREATED", "CANCELED"]
    # when: the timer's time comes anyway
    process_test.increase_time(timedelta(minutes=11))
    # then: nothing happens
    process_test.assert_that(instance).has_not_activated_elements("timeout")


def test_timer_wins_and_the_message_subscription_is_closed(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("ebg-timer")
    process_test.deploy(_race(process_id))
    instance = process_test.create_instance(process_id, {"orderId": "o-1"})
    # when
    process_test.increase_time(timedelta(minutes=9))
    # then: not yet
    process_test.assert_that(instance).is_active().has_not_activated_elements("timeout")
    # when
    process_test.increase_time(timedelta(minutes=2))
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_completed_elements("race", "timeout", "timeout_end")
        .has_not_activated_elements("paid", "paid_end")
        .is_not_waiting_for_message(f"{process_id}.paid")
    )
    assert _timer_intents(process_test, instance) == ["CREATED", "TRIGGERED"]
    # when: the message comes late
    published = process_test.engine.publish_message(f"{process_id}.paid", "o-1")
    # then: it reaches no one
    assert published.correlated_process_instance_keys == ()
    process_test.assert_that(instance).has_not_activated_elements("paid")


def test_buffered_message_wins_at_once(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("ebg-buffered")
    process_test.deploy(_race(process_id))
    process_test.publish_message(f"{process_id}.paid", "o-1", {"early": True}, time_to_live=timedelta(minutes=1))
    # when
    instance = process_test.create_instance(process_id, {"orderId": "o-1"})
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("paid").has_variable("early", True)
    assert _timer_intents(process_test, instance) == ["CREATED", "CANCELED"]


def test_bad_correlation_key_raises_an_incident_and_opens_nothing(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("ebg-bad-key")
    process_test.deploy(_race(process_id))
    # when: no orderId, the correlation key is null
    instance = process_test.create_instance(process_id)
    # then
    process_test.assert_that(instance).is_active().has_incident("EXTRACT_VALUE_ERROR", "race")
    assert _timer_intents(process_test, instance) == []
    assert process_test.engine.queries.message_subscriptions(instance.process_instance_key) == []


def test_buffered_message_of_the_losing_event_stays_available_for_another_instance(
    process_test: ProcessTestHarness,
) -> None:
    # given: both messages of a two-message race are buffered
    process_id = unique_id("ebg-two-buffered")
    process_test.deploy(
        process(process_id)
        .start_event()
        .event_based_gateway("race")
        .intermediate_catch_message("a", name=f"{process_id}.a", correlation_key="=key")
        .end_event("a_end")
        .branch_from("race")
        .intermediate_catch_message("b", name=f"{process_id}.b", correlation_key="=key")
        .end_event("b_end")
        .done()
    )
    process_test.publish_message(f"{process_id}.a", "k", time_to_live=timedelta(minutes=5))
    process_test.publish_message(f"{process_id}.b", "k", time_to_live=timedelta(minutes=5))
    # when
    first = process_test.create_instance(process_id, {"key": "k"})
    second = process_test.create_instance(process_id, {"key": "k"})
    # then: the first instance takes one message, the second the other
    process_test.assert_that(first).is_completed().has_completed_elements("a_end").has_not_activated_elements("b")
    process_test.assert_that(second).is_completed().has_completed_elements("b_end").has_not_activated_elements("a")
    subscriptions = process_test.engine.queries.message_subscriptions(first.process_instance_key)
    assert sorted((s.target_element_id, s.state) for s in subscriptions) == [("a", "CORRELATED"), ("b", "DELETED")]
