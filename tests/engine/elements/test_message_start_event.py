"""Message start event: registered at deploy for the latest version, an instance per message, none
while an instance started with the same correlation key is active, once per process id."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from oms.engine import Engine
from oms.engine.errors import InvalidArgumentError, NotFoundError
from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def _started_by(process_id: str, message: str, job_type: str | None = None) -> bytes:
    builder = process(process_id).message_start_event("order_received", name=message)
    if job_type is not None:
        builder = builder.service_task("handle", job_type=job_type)
    return builder.end_event("done").done()


def test_a_published_message_starts_an_instance_with_its_variables(process_test: ProcessTestHarness) -> None:
    # given
    process_id, message = unique_id("msg-start"), unique_id("order-received")
    process_test.deploy(_started_by(process_id, message, job_type=f"{process_id}.handle"))
    # when
    published = process_test.engine.publish_message(message, "o-1", variables={"orderId": "o-1"})
    # then
    (instance_key,) = published.correlated_process_instance_keys
    (
        process_test.assert_that(instance_key)
        .is_active()
        .is_waiting_at_elements("handle")
        .has_completed_elements("order_received")
        .has_variable("orderId", "o-1")
    )


def test_each_message_starts_a_new_instance(process_test: ProcessTestHarness) -> None:
    # given
    process_id, message = unique_id("msg-start-each"), unique_id("tick")
    process_test.deploy(_started_by(process_id, message))
    # when
    process_test.publish_message(message, "a")
    process_test.publish_message(message, "b")
    process_test.publish_message(message, "")
    # then
    instances = process_test.engine.queries.process_instances(process_id)
    assert [i.state for i in instances] == ["COMPLETED", "COMPLETED", "COMPLETED"]


def test_no_second_instance_while_one_started_with_the_same_correlation_key_is_active(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id, message = unique_id("msg-start-unique"), unique_id("order-received")
    process_test.deploy(_started_by(process_id, message, job_type=f"{process_id}.handle"))
    first = process_test.engine.publish_message(message, "o-1")
    # when
    second = process_test.engine.publish_message(message, "o-1")
    other_key = process_test.engine.publish_message(message, "o-2")
    # then
    assert second.correlated_process_instance_keys == ()
    assert len(other_key.correlated_process_instance_keys) == 1
    # when: the first instance ends, the same key may start one again
    process_test.complete_job(f"{process_id}.handle")
    jobs = process_test.engine.activate_jobs(f"{process_id}.handle", worker="w", max_jobs=10)
    for job in jobs:
        process_test.engine.complete_job(job.key)
    third = process_test.engine.publish_message(message, "o-1")
    # then
    assert len(third.correlated_process_instance_keys) == 1
    assert third.correlated_process_instance_keys != first.correlated_process_instance_keys


def test_a_new_version_replaces_the_subscription_of_the_old_one(process_test: ProcessTestHarness) -> None:
    # given
    process_id, message = unique_id("msg-start-version"), unique_id("order-received")
    process_test.deploy(_started_by(process_id, message))
    process_test.deploy(_started_by(process_id, message, job_type=f"{process_id}.v2"))
    # when
    published = process_test.engine.publish_message(message, "k")
    # then: exactly one instance, of version 2
    (instance_key,) = published.correlated_process_instance_keys
    view = process_test.engine.queries.process_instance(instance_key)
    assert view is not None and view.version == 2
    process_test.assert_that(instance_key).is_waiting_at_elements("handle")


def test_a_new_version_without_the_start_event_removes_the_subscription(process_test: ProcessTestHarness) -> None:
    # given
    process_id, message = unique_id("msg-start-removed"), unique_id("order-received")
    process_test.deploy(_started_by(process_id, message))
    process_test.deploy(process(process_id).start_event().end_event().done())
    # when / then
    with pytest.raises(NotFoundError):
        process_test.engine.correlate_message(message, "k")
    assert process_test.engine.queries.process_instances(process_id) == []


def test_a_message_waited_for_by_an_instance_is_not_also_used_to_start_one(process_test: ProcessTestHarness) -> None:
    # given: the process starts by the message and, once started, waits for it again
    process_id, message = unique_id("msg-start-once"), unique_id("ping")
    process_test.deploy(
        process(process_id)
        .message_start_event("started", name=message)
        .receive_task("wait", name=message, correlation_key="=key")
        .end_event()
        .done()
    )
    published = process_test.engine.publish_message(message, "k1", variables={"key": "k2"})
    (first,) = published.correlated_process_instance_keys
    # when
    again = process_test.engine.publish_message(message, "k2")
    # then: correlated to the waiting instance, no new instance
    assert again.correlated_process_instance_keys == (first,)
    process_test.assert_that(first).is_completed()
    assert len(process_test.engine.queries.process_instances(process_id)) == 1


def test_a_process_with_only_a_message_start_event_cannot_be_created_directly(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id, message = unique_id("msg-start-only"), unique_id("go")
    process_test.deploy(_started_by(process_id, message))
    # when / then
    with pytest.raises(InvalidArgumentError, match="no none start event"):
        process_test.create_instance(process_id)


def test_a_message_buffered_before_the_deployment_does_not_start_an_instance(process_test: ProcessTestHarness) -> None:
    # given: a message with a time to live, published before any process starts by it (Zeebe: messages
    # published before the process was deployed are not correlated to its message start event)
    process_id, message = unique_id("msg-start-earlier"), unique_id("order-received")
    process_test.publish_message(message, "o-1", time_to_live=timedelta(hours=1))
    # when
    process_test.deploy(_started_by(process_id, message, job_type=f"{process_id}.handle"))
    process_test.run_until_idle()
    # then: nothing started; a message published now does start one
    assert process_test.engine.queries.process_instances(process_id) == []
    published = process_test.engine.publish_message(message, "o-2")
    (instance_key,) = published.correlated_process_instance_keys
    process_test.assert_that(instance_key).is_waiting_at_elements("handle")


def test_racing_duplicate_messages_start_one_instance(
    process_test: ProcessTestHarness, engine_database_url: str
) -> None:
    # given: a message start event, and two engines that publish the same message at the same moment
    process_id = unique_id("msg-start-race")
    name = f"{process_id}.order-received"
    process_test.deploy(
        process(process_id)
        .message_start_event("received", name=name)
        .service_task("work", job_type=f"{process_id}.work")
        .end_event()
        .done()
    )
    other = Engine.connect(engine_database_url, install_schema=False, pool_size=2)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def publish(engine: Engine) -> None:
        try:
            start.wait(timeout=10)
            engine.publish_message(name, "order-7", variables={"orderId": "order-7"})
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)

    threads = [
        threading.Thread(target=publish, args=(process_test.engine,)),
        threading.Thread(target=publish, args=(other,)),
    ]
    # when
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        other.close()
    # then: while the first instance for correlation key order-7 is active, no second one starts
    assert errors == []
    started = [p for p in process_test.engine.queries.process_instances(process_id) if p.state == "ACTIVE"]
    assert len(started) == 1
