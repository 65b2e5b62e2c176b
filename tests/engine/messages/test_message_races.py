"""A message published while its subscription opens is seen by exactly one of the two sides (the
buffer or the publisher's correlation): run both concurrently many times, nothing is lost and
nothing is correlated twice."""

from concurrent.futures import ThreadPoolExecutor

from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness


def test_messages_published_while_subscriptions_open_are_correlated_exactly_once(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.deploy(
        process("msg-race")
        .start_event()
        .intermediate_catch_message("wait", name="msg.race", correlation_key="=orderId")
        .end_event("done")
        .done()
    )
    keys = [f"o-{i}" for i in range(40)]
    engine = process_test.engine

    def create(key: str) -> int:
        return engine.create_instance("msg-race", variables={"orderId": key}).process_instance_key

    def publish(key: str) -> None:
        engine.publish_message("msg.race", key, time_to_live_ms=60_000, variables={"got": key})

    # when
    with ThreadPoolExecutor(max_workers=4) as pool:
        created = pool.map(create, keys)
        published = pool.map(publish, keys)
        instance_keys = list(created)
        list(published)
    # then
    for instance_key, key in zip(instance_keys, keys, strict=True):
        process_test.assert_that(instance_key).is_completed().has_variable("got", key)
        correlations = [
            r.key
            for r in engine.queries.records(instance_key)
            if r.value_type == "MESSAGE" and r.intent == "CORRELATED"
        ]
        assert len(correlations) == 1, f"{key}: {correlations}"


def test_a_number_correlation_key_matches_the_message_published_with_its_text(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.deploy(
        process("msg-number-key")
        .start_event()
        .intermediate_catch_message("wait", name="msg.number.key", correlation_key="=orderNo")
        .end_event("done")
        .done()
    )
    instance = process_test.create_instance("msg-number-key", {"orderNo": 123})
    process_test.assert_that(instance).is_waiting_for_message("msg.number.key", "123")
    # when
    published = process_test.engine.publish_message("msg.number.key", "123")
    # then
    assert published.correlated_process_instance_keys == (instance.process_instance_key,)
    process_test.assert_that(instance).is_completed()
