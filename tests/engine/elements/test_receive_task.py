"""Receive task: waits for its message (by name and correlation key); the message's variables
are merged and the task completes."""

from __future__ import annotations

from datetime import timedelta

from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def test_message_with_matching_correlation_key_completes_it_and_merges_variables(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("receive")
    message = f"{process_id}.paid"
    process_test.deploy(
        process(process_id)
        .start_event()
        .receive_task("wait", name=message, correlation_key="=orderId")
        .end_event("end")
        .done()
    )
    instance = process_test.create_instance(process_id, {"orderId": "o-1"})
    process_test.assert_that(instance).is_waiting_at_elements("wait").is_waiting_for_message(message, "o-1")
    # when
    process_test.publish_message(message, "o-1", {"amount": 12.5, "orderId": "o-1"})
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_completed_elements("wait", "end")
        .has_variable("amount", 12.5)
        .is_not_waiting_for_message(message)
    )


def test_message_with_another_correlation_key_does_not_complete_it(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("receive-other-key")
    message = f"{process_id}.paid"
    process_test.deploy(
        process(process_id)
        .start_event()
        .receive_task("wait", name=message, correlation_key="=orderId")
        .end_event()
        .done()
    )
    instance = process_test.create_instance(process_id, {"orderId": "o-1"})
    # when
    process_test.publish_message(message, "o-2", {"amount": 1})
    # then
    process_test.assert_that(instance).is_active().is_waiting_at_elements("wait").has_no_variable("amount")


def test_buffered_message_is_correlated_when_the_task_activates(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("receive-buffered")
    message = f"{process_id}.paid"
    process_test.deploy(
        process(process_id)
        .start_event()
        .receive_task("wait", name=message, correlation_key="=orderId")
        .end_event()
        .done()
    )
    process_test.publish_message(message, "o-9", {"early": True}, time_to_live=timedelta(minutes=5))
    # when
    instance = process_test.create_instance(process_id, {"orderId": "o-9"})
    # then
    process_test.assert_that(instance).is_completed().has_variable("early", True)


def test_expired_message_is_not_correlated(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("receive-expired")
    message = f"{process_id}.paid"
    process_test.deploy(
        process(process_id)
        .start_event()
        .receive_task("wait", name=message, correlation_key="=orderId")
        .end_event()
        .done()
    )
    process_test.publish_message(message, "o-9", {"early": True}, time_to_live=timedelta(minutes=1))
    process_test.increase_time(timedelta(minutes=2))
    # when
    instance = process_test.create_instance(process_id, {"orderId": "o-9"})
    # then
    process_test.assert_that(instance).is_active().is_waiting_for_message(message, "o-9")


def test_receive_task_output_mappings_decide_what_leaves(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("receive-outputs")
    message = f"{process_id}.paid"
    process_test.deploy(
        process(process_id)
        .start_event()
        .receive_task("wait", name=message, correlation_key="=orderId", outputs={"paid": "=amount"})
        .end_event()
        .done()
    )
    instance = process_test.create_instance(process_id, {"orderId": "o-1"})
    # when
    process_test.publish_message(message, "o-1", {"amount": 7})
    # then
    process_test.assert_that(instance).is_completed().has_variable("paid", 7).has_no_variable("amount")


def test_null_correlation_key_raises_an_incident(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("receive-null-key")
    process_test.deploy(
        process(process_id)
        .start_event()
        .receive_task("wait", name=f"{process_id}.paid", correlation_key="=orderId")
        .end_event()
        .done()
    )
    # when
    instance = process_test.create_instance(process_id)
    # then
    process_test.assert_that(instance).is_active().has_incident("EXTRACT_VALUE_ERROR", "wait")
    assert process_test.engine.queries.message_subscriptions(instance.process_instance_key) == []


def test_buffered_message_of_the_task_wins_over_a_buffered_boundary_message(process_test: ProcessTestHarness) -> None:
    # given: the task's message and its interrupting boundary's message are both buffered
    process_id = unique_id("receive-two-buffered")
    process_test.deploy(
        process(process_id)
        .start_event()
        .receive_task("wait", name=f"{process_id}.paid", correlation_key="=orderId")
        .end_event("paid_end")
        .boundary_message("cancel", attached_to="wait", name=f"{process_id}.cancel", correlation_key="=orderId")
        .end_event("canceled_end")
        .done()
    )
    process_test.publish_message(f"{process_id}.paid", "o-1", {"paid": True}, time_to_live=timedelta(minutes=5))
    process_test.publish_message(f"{process_id}.cancel", "o-1", {"canceled": True}, time_to_live=timedelta(minutes=5))
    # when
    first = process_test.create_instance(process_id, {"orderId": "o-1"})
    # then: only the first message is correlated
    (
        process_test.assert_that(first)
        .is_completed()
        .has_completed_elements("wait", "paid_end")
        .has_not_activated_elements("cancel")
        .has_variable("paid", True)
        .has_no_variable("canceled")
    )
    # when: the second instance comes
    second = process_test.create_instance(process_id, {"orderId": "o-1"})
    # then: the cancel message was given back to the buffer and now cancels it
    process_test.assert_that(second).is_completed().has_completed_elements("canceled_end").has_variable(
        "canceled", True
    )
