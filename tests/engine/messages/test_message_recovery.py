"""Publishing is two steps (store the message and its pending correlations, then apply them per
instance). A publisher that dies in between leaves pending correlations that ``run_due_work``
applies later. The crash is emulated by writing step 1's rows by hand."""

from typing import Any

from psycopg.types.json import Jsonb

from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness


def _store_published_but_unapplied_message(
    process_test: ProcessTestHarness, instance_key: int, name: str, correlation_key: str, variables: dict[str, Any]
) -> int:
    """Step 1 of a publish (message row + pending correlation), as a publisher that crashed right after it."""
    engine = process_test.engine
    message_key = engine.runtime.keys.next_key()
    now = process_test.clock.now()
    with engine.pool.connection() as conn, conn.transaction():
        subscription = conn.execute(
            "SELECT key, bpmn_process_id FROM engine.message_subscription"
            " WHERE process_instance_key = %s AND message_name = %s AND correlation_key = %s AND state = 'OPEN'",
            (instance_key, name, correlation_key),
        ).fetchone()
        assert subscription is not None, "the instance has no open subscription to correlate to"
        conn.execute(
            "INSERT INTO engine.message (key, name, correlation_key, message_id, variables, published_at, deadline,"
            " state, tenant_id) VALUES (%s, %s, %s, NULL, %s, %s, %s, 'EXPIRED', '<default>')",
            (message_key, name, correlation_key, Jsonb(variables), now, now),
        )
        conn.execute(
            "INSERT INTO engine.message_correlation"
            " (message_key, bpmn_process_id, process_instance_key, subscription_key, applied)"
            " VALUES (%s, %s, %s, %s, false)",
            (message_key, subscription[1], instance_key, subscription[0]),
        )
    return message_key


def _pending_correlations(process_test: ProcessTestHarness) -> int:
    with process_test.engine.pool.connection() as conn:
        row = conn.execute("SELECT count(*) FROM engine.message_correlation WHERE NOT applied").fetchone()
    assert row is not None
    return int(row[0])


def test_a_pending_correlation_left_by_a_crashed_publisher_is_applied_by_run_due_work(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.deploy(
        process("msg-recovery")
        .start_event()
        .intermediate_catch_message("wait", name="msg.recovery", correlation_key="=orderId")
        .end_event("done")
        .done()
    )
    instance = process_test.create_instance("msg-recovery", {"orderId": "o-1"})
    _store_published_but_unapplied_message(
        process_test, instance.process_instance_key, "msg.recovery", "o-1", {"paid": True}
    )
    process_test.assert_that(instance).is_active().is_waiting_at_elements("wait")
    # when
    applied = process_test.engine.run_due_work()
    # then
    assert applied >= 1
    assert _pending_correlations(process_test) == 0
    process_test.assert_that(instance).is_completed().has_completed_elements("wait", "done").has_variable("paid", True)
    assert process_test.engine.run_due_work() == 0


def test_a_pending_correlation_whose_subscription_closed_meanwhile_is_dropped(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.deploy(
        process("msg-recovery-closed")
        .start_event()
        .intermediate_catch_message("wait", name="msg.recovery.closed", correlation_key="=orderId")
        .end_event("done")
        .done()
    )
    instance = process_test.create_instance("msg-recovery-closed", {"orderId": "o-1"})
    _store_published_but_unapplied_message(
        process_test, instance.process_instance_key, "msg.recovery.closed", "o-1", {"paid": True}
    )
    process_test.engine.cancel_instance(instance.process_instance_key)
    # when
    process_test.engine.run_due_work()
    # then
    assert _pending_correlations(process_test) == 0
    process_test.assert_that(instance).is_terminated().has_no_variable("paid").has_not_activated_elements("done")
