"""The message relay: a received callback reaches the waiting process once, as a message whose id
comes from the callback's id, even when the relay dies between publishing and recording it; the
relay role sees the workflow tables of every tenant and nothing else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from relay_support import FlakyClient, waits_for_message

from oms.engine.clock import ControlledClock
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id
from oms.relay.callbacks import Callback, CallbackStatus, Receipt, message_name_for
from oms.relay.messages import MessageRelay
from oms.relay.options import RelayOptions
from oms.relay.store import RELAY_ROLE, PendingMessage, PostgresCallbackInbox, RelayStore
from oms.workflow.client import WorkflowClient


def provisioning_callback(tenant: str, request_id: str, callback_id: str = "cb-1") -> Callback:
    return Callback(
        system="provisioning",
        tenant_id=tenant,
        callback_id=callback_id,
        correlation_key=request_id,
        status=CallbackStatus.COMPLETED,
        external_reference="svc-1",
        correlation_id="corr-9",
    )


def waiting_instance(client: WorkflowClient, request_id: str) -> int:
    process_id = unique_id("relay-message")
    model = waits_for_message(process_id, message_name_for("provisioning"), "provisioningRequestId")
    client.deploy((f"{process_id}.bpmn", model))
    return client.create_instance(process_id, variables={"provisioningRequestId": request_id}).process_instance_key


def messages_with_id(process_test: ProcessTestHarness, message_id: str) -> int:
    with process_test.engine.pool.connection() as conn:
        row = conn.execute("SELECT count(*) FROM engine.message WHERE message_id = %s", (message_id,)).fetchone()
    return int(row[0]) if row else 0


def correlation_row(admin: psycopg.Connection[Any], tenant: str) -> tuple[Any, ...]:
    row = admin.execute(
        "SELECT status, attempt_count, last_error, message_id, source_system FROM workflow_message_correlation"
        " WHERE tenant_id = %s",
        (tenant,),
    ).fetchone()
    assert row is not None
    return tuple(row)


def test_a_callback_is_published_once_and_completes_the_waiting_step(
    client: WorkflowClient,
    process_test: ProcessTestHarness,
    pool: ConnectionPool,
    store: RelayStore,
    admin: psycopg.Connection[Any],
    tenant: str,
) -> None:
    # given: an instance waits for the provisioning result; the callback arrives twice
    instance = waiting_instance(client, "preq-1")
    inbox = PostgresCallbackInbox(pool)
    receipts = [inbox.record(provisioning_callback(tenant, "preq-1")) for _ in range(2)]
    # when
    published = MessageRelay(store, client).run_once()
    # then
    assert receipts == [Receipt.RECORDED, Receipt.DUPLICATE]
    assert published == 1
    status, attempts, error, message_id, system = correlation_row(admin, tenant)
    assert (status, attempts, error, system) == ("published", 1, None, "provisioning")
    assert message_id == f"provisioning:{tenant}:cb-1"
    assert messages_with_id(process_test, message_id) == 1
    process_test.assert_that(instance).is_completed().has_variable(
        "provisioningCallback", {"callbackId": "cb-1", "status": "completed", "externalReference": "svc-1"}
    )
    assert MessageRelay(store, client).run_once() == 0


class CrashAfterPublish(Exception):
    pass


class CrashingStore(RelayStore):
    def record_published(self, message: PendingMessage) -> None:
        raise CrashAfterPublish(message.message_id)


def test_a_crash_after_publishing_does_not_deliver_the_callback_twice(
    client: WorkflowClient,
    process_test: ProcessTestHarness,
    pool: ConnectionPool,
    store: RelayStore,
    admin: psycopg.Connection[Any],
    tenant: str,
    relay_clock: ControlledClock,
) -> None:
    # given: the message was published, then the relay died before recording it
    instance = waiting_instance(client, "preq-2")
    PostgresCallbackInbox(pool).record(provisioning_callback(tenant, "preq-2", "cb-2"))
    with pytest.raises(CrashAfterPublish):
        MessageRelay(CrashingStore(pool, clock=relay_clock), client).run_once()
    # when: another relay takes the row once the lease has passed
    relay_clock.increase_time(RelayOptions().lease + timedelta(seconds=1))
    assert MessageRelay(store, client).run_once() == 1
    # then: the engine kept one message with that id, and the row is done
    status, attempts, _, message_id, _ = correlation_row(admin, tenant)
    assert (status, attempts) == ("published", 2)
    assert messages_with_id(process_test, message_id) == 1
    process_test.assert_that(instance).is_completed()


def test_a_failed_publication_is_retried_with_back_off(
    client: WorkflowClient,
    process_test: ProcessTestHarness,
    pool: ConnectionPool,
    store: RelayStore,
    admin: psycopg.Connection[Any],
    tenant: str,
    relay_clock: ControlledClock,
) -> None:
    # given
    instance = waiting_instance(client, "preq-3")
    PostgresCallbackInbox(pool).record(provisioning_callback(tenant, "preq-3", "cb-3"))
    relay = MessageRelay(store, FlakyClient(client, failures=1))
    # when
    relay.run_once()
    status, attempts, error, _, _ = correlation_row(admin, tenant)
    assert (status, attempts) == ("received", 1)
    assert "engine is away" in error
    assert relay.run_once() == 0
    relay_clock.increase_time(timedelta(seconds=1))
    relay.run_once()
    # then
    assert correlation_row(admin, tenant)[:2] == ("published", 2)
    process_test.assert_that(instance).is_completed()


def test_another_callback_for_an_answered_key_is_a_conflict(pool: ConnectionPool, tenant: str) -> None:
    # given
    inbox = PostgresCallbackInbox(pool)
    inbox.record(provisioning_callback(tenant, "preq-4", "cb-4"))
    # when
    other_callback_same_key = inbox.record(provisioning_callback(tenant, "preq-4", "cb-5"))
    same_callback_other_key = inbox.record(provisioning_callback(tenant, "preq-5", "cb-4"))
    # then
    assert (other_callback_same_key, same_callback_other_key) == (Receipt.CONFLICT, Receipt.CONFLICT)


def test_a_callback_fills_the_row_a_worker_wrote_when_it_expected_it(
    pool: ConnectionPool, admin: psycopg.Connection[Any], tenant: str
) -> None:
    # given
    with admin.transaction():
        admin.execute("SELECT set_config('role', 'oms_app', true), set_config('oms.tenant_id', %s, true)", (tenant,))
        admin.execute(
            "INSERT INTO workflow_message_correlation (tenant_id, message_name, correlation_key, correlation_id,"
            " expected_at) VALUES (%s, %s, 'preq-6', 'corr-1', now())",
            (tenant, message_name_for("provisioning")),
        )
    # when
    receipt = PostgresCallbackInbox(pool).record(provisioning_callback(tenant, "preq-6", "cb-6"))
    # then
    assert receipt is Receipt.RECORDED
    assert correlation_row(admin, tenant)[0] == "received"


def test_the_relay_role_sees_every_tenant_in_the_workflow_tables_only(
    pool: ConnectionPool, admin: psycopg.Connection[Any]
) -> None:
    # given
    tenants = [unique_id("ta"), unique_id("tb")]
    for t in tenants:
        PostgresCallbackInbox(pool).record(provisioning_callback(t, "preq-x", "cb-x"))
    # when
    with admin.transaction():
        admin.execute("SELECT set_config('role', %s, true)", (RELAY_ROLE,))
        seen = {
            r[0]
            for r in admin.execute(
                "SELECT tenant_id FROM workflow_message_correlation WHERE tenant_id = ANY(%s)", (tenants,)
            )
        }
    # then
    assert seen == set(tenants)
    for table in ("quote", "outbox_event", "audit_event"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege), admin.transaction():
            admin.execute("SELECT set_config('role', %s, true)", (RELAY_ROLE,))
            admin.execute(f"SELECT count(*) FROM {table}")
    with pytest.raises(psycopg.errors.InsufficientPrivilege), admin.transaction():
        admin.execute("SELECT set_config('role', %s, true)", (RELAY_ROLE,))
        admin.execute("UPDATE workflow_start_request SET variables = '{}'")


def test_the_application_role_still_sees_only_its_tenant(pool: ConnectionPool, admin: psycopg.Connection[Any]) -> None:
    # given
    mine, other = unique_id("ta"), unique_id("tb")
    for t in (mine, other):
        PostgresCallbackInbox(pool).record(provisioning_callback(t, "preq-y", "cb-y"))
    # when
    with admin.transaction():
        admin.execute("SELECT set_config('role', 'oms_app', true), set_config('oms.tenant_id', %s, true)", (mine,))
        seen = {
            r[0]
            for r in admin.execute(
                "SELECT tenant_id FROM workflow_message_correlation WHERE tenant_id = ANY(%s)", ([mine, other],)
            )
        }
    # then
    assert seen == {mine}
