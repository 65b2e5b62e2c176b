"""Publishing messages: correlation to open subscriptions by name and correlation key, the TTL
buffer, expiry, message ids, and the once-per-process rule."""

from datetime import timedelta

import pytest

from oms.engine.errors import AlreadyExistsError, InvalidArgumentError
from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness


def _waiting_for(process_id: str, message: str, *, element_id: str = "wait") -> bytes:
    return (
        process(process_id)
        .start_event()
        .intermediate_catch_message(element_id, name=message, correlation_key="=orderId")
        .end_event("done")
        .done()
    )


def test_a_published_message_correlates_to_the_subscription_with_its_name_and_correlation_key(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.deploy(_waiting_for("msg-correlate", "msg.paid"))
    paid = process_test.create_instance("msg-correlate", {"orderId": "o-1", "status": "open"})
    other_order = process_test.create_instance("msg-correlate", {"orderId": "o-2"})
    process_test.assert_that(paid).is_waiting_for_message("msg.paid", "o-1")
    # when
    published = process_test.engine.publish_message("msg.paid", "o-1", variables={"status": "paid", "amount": 12.5})
    # then
    assert published.correlated_process_instance_keys == (paid.process_instance_key,)
    (
        process_test.assert_that(paid)
        .is_completed()
        .has_completed_elements("wait", "done")
        .has_variable("status", "paid")
        .has_variable("amount", 12.5)
        .has_variable("orderId", "o-1")
    )
    process_test.assert_that(other_order).is_active().is_waiting_for_message("msg.paid", "o-2")
    correlated = [
        r.key
        for r in process_test.engine.queries.records(paid.process_instance_key)
        if r.value_type == "MESSAGE" and r.intent == "CORRELATED"
    ]
    assert correlated == [published.key]


def test_a_message_with_another_name_or_correlation_key_does_not_correlate(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(_waiting_for("msg-mismatch", "msg.mismatch"))
    instance = process_test.create_instance("msg-mismatch", {"orderId": "o-1"})
    # when
    by_name = process_test.engine.publish_message("msg.mismatch.other", "o-1")
    by_key = process_test.engine.publish_message("msg.mismatch", "o-9")
    # then
    assert by_name.correlated_process_instance_keys == ()
    assert by_key.correlated_process_instance_keys == ()
    process_test.assert_that(instance).is_active().is_waiting_for_message("msg.mismatch", "o-1")


def test_publishing_a_message_without_a_name_or_with_a_negative_ttl_is_refused(
    process_test: ProcessTestHarness,
) -> None:
    # when / then
    with pytest.raises(InvalidArgumentError, match="message name"):
        process_test.engine.publish_message("", "k")
    with pytest.raises(InvalidArgumentError, match="time to live of at least 0 ms"):
        process_test.engine.publish_message("msg.invalid", "k", time_to_live_ms=-1)


def test_a_message_published_with_a_ttl_is_taken_by_a_subscription_that_opens_later(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.deploy(_waiting_for("msg-buffered", "msg.buffered"))
    published = process_test.engine.publish_message(
        "msg.buffered", "o-1", time_to_live_ms=60_000, variables={"paid": True}
    )
    assert published.correlated_process_instance_keys == ()
    # when
    instance = process_test.create_instance("msg-buffered", {"orderId": "o-1"})
    # then
    process_test.assert_that(instance).is_completed().has_variable("paid", True)
    correlated = [
        r
        for r in process_test.engine.queries.records(instance.process_instance_key)
        if r.value_type == "MESSAGE" and r.intent == "CORRELATED"
    ]
    assert [r.key for r in correlated] == [published.key]


def test_buffered_messages_are_taken_oldest_first(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("msg-buffered-order")
        .start_event()
        .intermediate_catch_message("first", name="msg.order", correlation_key="=orderId", outputs={"a": "=seq"})
        .intermediate_catch_message("second", name="msg.order", correlation_key="=orderId", outputs={"b": "=seq"})
        .end_event()
        .done()
    )
    for seq in (1, 2, 3):
        process_test.engine.publish_message("msg.order", "o-1", time_to_live_ms=60_000, variables={"seq": seq})
    # when
    instance = process_test.create_instance("msg-buffered-order", {"orderId": "o-1"})
    # then
    process_test.assert_that(instance).is_completed().has_variable("a", 1).has_variable("b", 2)


def test_a_message_published_with_ttl_zero_is_not_buffered(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(_waiting_for("msg-ttl-zero", "msg.ttl.zero"))
    published = process_test.engine.publish_message("msg.ttl.zero", "o-1", time_to_live_ms=0)
    assert published.correlated_process_instance_keys == ()
    # when
    instance = process_test.create_instance("msg-ttl-zero", {"orderId": "o-1"})
    # then
    process_test.assert_that(instance).is_active().is_waiting_for_message("msg.ttl.zero", "o-1")
    assert _expired(process_test, published.key)


def test_a_buffered_message_expires_after_its_ttl_and_is_not_taken_afterwards(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.deploy(_waiting_for("msg-expire", "msg.expire"))
    published = process_test.engine.publish_message("msg.expire", "o-1", time_to_live_ms=10_000)
    process_test.clock.increase_time(timedelta(seconds=5))
    process_test.engine.run_due_work()
    assert not _expired(process_test, published.key)
    # when
    process_test.clock.increase_time(timedelta(seconds=6))
    assert process_test.engine.run_due_work() >= 1
    # then
    assert _expired(process_test, published.key)
    instance = process_test.create_instance("msg-expire", {"orderId": "o-1"})
    process_test.assert_that(instance).is_active().is_waiting_for_message("msg.expire", "o-1")


def test_a_buffered_message_past_its_ttl_is_not_taken_even_before_the_expiry_sweep_runs(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.deploy(_waiting_for("msg-expire-unswept", "msg.expire.unswept"))
    process_test.engine.publish_message("msg.expire.unswept", "o-1", time_to_live_ms=10_000)
    # when
    process_test.clock.increase_time(timedelta(seconds=11))
    instance = process_test.create_instance("msg-expire-unswept", {"orderId": "o-1"})
    # then
    process_test.assert_that(instance).is_active().is_waiting_for_message("msg.expire.unswept")


def _expired(process_test: ProcessTestHarness, message_key: int) -> bool:
    return any(
        r.key == message_key and r.value_type == "MESSAGE" and r.intent == "EXPIRED"
        for r in process_test.engine.queries.records()
    )


def test_a_message_id_that_is_still_buffered_cannot_be_published_again(process_test: ProcessTestHarness) -> None:
    # given
    process_test.engine.publish_message("msg.dedup", "o-1", message_id="m-1", time_to_live_ms=10_000)
    # when / then
    with pytest.raises(AlreadyExistsError, match="message with id 'm-1'"):
        process_test.engine.publish_message("msg.dedup", "o-1", message_id="m-1", time_to_live_ms=10_000)
    # the same id under another correlation key is another message
    process_test.engine.publish_message("msg.dedup", "o-2", message_id="m-1", time_to_live_ms=10_000)


def test_a_message_id_can_be_published_again_once_the_first_message_expired(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(_waiting_for("msg-dedup-expired", "msg.dedup.expired"))
    process_test.engine.publish_message(
        "msg.dedup.expired", "o-1", message_id="m-1", time_to_live_ms=10_000, variables={"n": 1}
    )
    process_test.clock.increase_time(timedelta(seconds=11))
    process_test.engine.run_due_work()
    # when
    again = process_test.engine.publish_message(
        "msg.dedup.expired", "o-1", message_id="m-1", time_to_live_ms=10_000, variables={"n": 2}
    )
    # then
    instance = process_test.create_instance("msg-dedup-expired", {"orderId": "o-1"})
    process_test.assert_that(instance).is_completed().has_variable("n", 2)
    assert again.key > 0


def test_a_message_id_published_with_ttl_zero_can_be_published_again_at_once(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.engine.publish_message("msg.dedup.zero", "o-1", message_id="m-1", time_to_live_ms=0)
    # when
    again = process_test.engine.publish_message("msg.dedup.zero", "o-1", message_id="m-1", time_to_live_ms=0)
    # then
    assert again.key > 0


def test_a_message_correlates_to_only_one_instance_of_a_process_but_to_each_process(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.deploy(_waiting_for("msg-once-a", "msg.once"), _waiting_for("msg-once-b", "msg.once"))
    first_a = process_test.create_instance("msg-once-a", {"orderId": "o-1"})
    second_a = process_test.create_instance("msg-once-a", {"orderId": "o-1"})
    only_b = process_test.create_instance("msg-once-b", {"orderId": "o-1"})
    # when
    published = process_test.engine.publish_message("msg.once", "o-1", variables={"got": True})
    # then
    assert published.correlated_process_instance_keys == tuple(
        sorted((first_a.process_instance_key, only_b.process_instance_key))
    )
    process_test.assert_that(first_a).is_completed().has_variable("got", True)
    process_test.assert_that(only_b).is_completed().has_variable("got", True)
    process_test.assert_that(second_a).is_active().is_waiting_for_message("msg.once", "o-1")


def test_a_buffered_message_taken_by_one_instance_is_not_taken_by_another_instance_of_the_same_process(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.deploy(_waiting_for("msg-buffer-once", "msg.buffer.once"))
    process_test.engine.publish_message("msg.buffer.once", "o-1", time_to_live_ms=60_000)
    first = process_test.create_instance("msg-buffer-once", {"orderId": "o-1"})
    # when
    second = process_test.create_instance("msg-buffer-once", {"orderId": "o-1"})
    # then
    process_test.assert_that(first).is_completed()
    process_test.assert_that(second).is_active().is_waiting_for_message("msg.buffer.once", "o-1")


def test_a_buffered_message_is_never_taken_twice_by_the_same_instance(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("msg-never-twice")
        .start_event()
        .intermediate_catch_message("first", name="msg.twice", correlation_key="=orderId")
        .intermediate_catch_message("second", name="msg.twice", correlation_key="=orderId")
        .end_event()
        .done()
    )
    process_test.engine.publish_message("msg.twice", "o-1", time_to_live_ms=60_000, variables={"n": 1})
    # when
    instance = process_test.create_instance("msg-never-twice", {"orderId": "o-1"})
    # then
    process_test.assert_that(instance).is_active().has_completed_elements("first").is_waiting_at_elements("second")
    process_test.assert_that(instance).is_waiting_for_message("msg.twice", "o-1")
    # a new message goes to the second subscription
    process_test.engine.publish_message("msg.twice", "o-1", variables={"n": 2})
    process_test.assert_that(instance).is_completed().has_variable("n", 2)


def test_a_message_published_while_the_instance_waits_elsewhere_reaches_it_later_from_the_buffer(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.deploy(
        process("msg-later")
        .start_event()
        .service_task("prepare", job_type="msg.later.prepare")
        .intermediate_catch_message("wait", name="msg.later", correlation_key="=orderId")
        .end_event()
        .done()
    )
    instance = process_test.create_instance("msg-later", {"orderId": "o-1"})
    process_test.engine.publish_message("msg.later", "o-1", time_to_live_ms=60_000, variables={"early": True})
    process_test.assert_that(instance).is_waiting_at_elements("prepare")
    # when
    process_test.complete_job("msg.later.prepare")
    # then
    process_test.assert_that(instance).is_completed().has_variable("early", True)
