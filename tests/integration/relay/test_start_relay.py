"""The start relay: start requests become process instances, once per business key, with retries
and back-off while the engine is away, and without a second instance after a crash between
"instance created" and "request marked started"."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from relay_support import (
    WAIT_S,
    FlakyClient,
    instances_with_business_key,
    start_request,
    waits_for_message,
    write_start_request,
)

from oms.engine.clock import ControlledClock
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id
from oms.relay.options import Backoff, RelayOptions
from oms.relay.service import WorkflowRelay
from oms.relay.starts import StartRelay
from oms.relay.store import RelayStore, StartedInstance, StartRequest
from oms.workflow.client import WorkflowClient


def deployed_process(client: WorkflowClient) -> str:
    process_id = unique_id("relay-start")
    client.deploy((f"{process_id}.bpmn", waits_for_message(process_id, "never", "orderId")))
    return process_id


def test_the_relay_starts_the_process_and_records_the_instance_reference(
    client: WorkflowClient, store: RelayStore, admin: psycopg.Connection[Any], tenant: str
) -> None:
    # given
    process_id = deployed_process(client)
    key = f"order:{tenant}:o-1:fulfillment"
    request_id = write_start_request(admin, tenant, process_id, key, variables={"tenantId": tenant, "orderId": "o-1"})
    # when
    claimed = StartRelay(store, client).run_once()
    # then
    row = start_request(admin, request_id)
    assert claimed == 1
    assert (row["status"], row["attempt_count"], row["last_error"]) == ("started", 1, None)
    instances = client.search_instances(bpmn_process_id=process_id)
    assert [i.key for i in instances] == [row["process_instance_key"]]
    assert instances_with_business_key(client, process_id, key) == [row["process_instance_key"]]
    ref = admin.execute(
        "SELECT tenant_id, aggregate_type, aggregate_id, workflow_type, business_key, bpmn_process_id,"
        " process_definition_version, process_instance_key, status FROM workflow_instance_ref"
        " WHERE business_key = %s",
        (key,),
    ).fetchall()
    assert ref == [(tenant, "order", key, process_id, key, process_id, 1, row["process_instance_key"], "active")]


def test_a_started_request_is_not_started_again(
    client: WorkflowClient, store: RelayStore, admin: psycopg.Connection[Any], tenant: str, relay_clock: ControlledClock
) -> None:
    # given
    process_id = deployed_process(client)
    key = f"order:{tenant}:o-2:fulfillment"
    write_start_request(admin, tenant, process_id, key)
    relay = StartRelay(store, client)
    relay.run_once()
    relay_clock.increase_time(timedelta(hours=1))
    # when
    claimed = relay.run_once()
    # then
    assert claimed == 0
    assert len(instances_with_business_key(client, process_id, key)) == 1


def test_an_unreachable_engine_is_retried_with_back_off_and_the_last_error_is_kept(
    client: WorkflowClient, store: RelayStore, admin: psycopg.Connection[Any], tenant: str, relay_clock: ControlledClock
) -> None:
    # given
    process_id = deployed_process(client)
    key = f"order:{tenant}:o-3:fulfillment"
    request_id = write_start_request(admin, tenant, process_id, key)
    flaky = FlakyClient(client, failures=2)
    relay = StartRelay(store, flaky, RelayOptions(backoff=Backoff(initial=timedelta(seconds=10), factor=3)))
    # when: the first attempt fails
    first = relay.run_once()
    after_first = start_request(admin, request_id)
    # then: it waits the first back-off, not less
    assert first == 1
    assert (after_first["status"], after_first["attempt_count"]) == ("pending", 1)
    assert "Unavailable" in after_first["last_error"]
    assert after_first["next_attempt_at"] - relay_clock.now() > timedelta(seconds=9)
    relay_clock.increase_time(timedelta(seconds=5))
    assert relay.run_once() == 0
    # when: the second attempt fails, the delay grows
    relay_clock.increase_time(timedelta(seconds=6))
    assert relay.run_once() == 1
    after_second = start_request(admin, request_id)
    assert after_second["attempt_count"] == 2
    assert timedelta(seconds=29) < after_second["next_attempt_at"] - relay_clock.now() <= timedelta(seconds=30)
    # when: the engine is back
    relay_clock.increase_time(timedelta(seconds=30))
    assert relay.run_once() == 1
    # then
    done = start_request(admin, request_id)
    assert (done["status"], done["attempt_count"]) == ("started", 3)
    assert "engine is away" in done["last_error"]
    assert instances_with_business_key(client, process_id, key) == [done["process_instance_key"]]
    assert flaky.creates == 1


class CrashAfterCreate(Exception):
    """The relay process dies right after the engine created the instance."""


class CrashingStore(RelayStore):
    def __init__(self, pool: ConnectionPool, clock: ControlledClock) -> None:
        super().__init__(pool, clock=clock)

    def record_started(self, request: StartRequest, instance: StartedInstance) -> None:
        raise CrashAfterCreate(f"died before recording instance {instance.process_instance_key}")


def test_a_crash_between_creating_the_instance_and_recording_it_never_starts_a_second_instance(
    client: WorkflowClient,
    pool: ConnectionPool,
    store: RelayStore,
    admin: psycopg.Connection[Any],
    tenant: str,
    relay_clock: ControlledClock,
) -> None:
    # given: the first relay creates the instance and dies before recording it
    process_id = deployed_process(client)
    key = f"order:{tenant}:o-4:fulfillment"
    request_id = write_start_request(admin, tenant, process_id, key)
    with pytest.raises(CrashAfterCreate):
        StartRelay(CrashingStore(pool, relay_clock), client).run_once()
    [created] = instances_with_business_key(client, process_id, key)
    assert start_request(admin, request_id)["status"] == "pending"
    # when: a new relay runs; the row comes due again once the lease has passed
    rerun = StartRelay(store, client)
    assert rerun.run_once() == 0
    relay_clock.increase_time(RelayOptions().claim_lease + timedelta(seconds=1))
    assert rerun.run_once() == 1
    # then: the instance the dead relay created is recorded, and no other exists
    row = start_request(admin, request_id)
    assert (row["status"], row["attempt_count"], row["process_instance_key"]) == ("started", 2, created)
    assert instances_with_business_key(client, process_id, key) == [created]
    assert [i.key for i in client.search_instances(bpmn_process_id=process_id)] == [created]
    assert admin.execute(
        "SELECT process_instance_key FROM workflow_instance_ref WHERE business_key = %s", (key,)
    ).fetchall() == [(created,)]


def test_a_request_that_keeps_failing_is_marked_failed_after_the_last_attempt(
    client: WorkflowClient, store: RelayStore, admin: psycopg.Connection[Any], tenant: str, relay_clock: ControlledClock
) -> None:
    # given: no process of that id is deployed
    missing = unique_id("not-deployed")
    request_id = write_start_request(admin, tenant, missing, f"order:{tenant}:o-5:fulfillment")
    relay = StartRelay(store, client, RelayOptions(backoff=Backoff(max_attempts=2)))
    # when
    relay.run_once()
    relay_clock.increase_time(timedelta(seconds=2))
    relay.run_once()
    relay_clock.increase_time(timedelta(hours=1))
    # then
    row = start_request(admin, request_id)
    assert (row["status"], row["attempt_count"], row["process_instance_key"]) == ("failed", 2, None)
    assert row["last_error"].startswith("NotFound")
    assert relay.run_once() == 0


def test_requests_of_every_tenant_are_started(
    client: WorkflowClient, store: RelayStore, admin: psycopg.Connection[Any]
) -> None:
    # given
    process_id = deployed_process(client)
    tenants = [f"t-{uuid.uuid4().hex[:8]}" for _ in range(3)]
    ids = [write_start_request(admin, t, process_id, f"order:{t}:o:fulfillment") for t in tenants]
    # when
    StartRelay(store, client).run_once()
    # then
    assert [start_request(admin, i)["status"] for i in ids] == ["started"] * 3


def test_the_background_relay_is_woken_by_the_commit_of_a_start_request(
    process_test: ProcessTestHarness,
    store: RelayStore,
    admin: psycopg.Connection[Any],
    oms_database_url: str,
    tenant: str,
) -> None:
    # given: a relay that would poll only once a minute
    from oms.workflow.embedded import EmbeddedWorkflowClient

    observed = FlakyClient(EmbeddedWorkflowClient(process_test.engine))
    process_id = deployed_process(observed.inner)
    relay = WorkflowRelay(store, observed, listen_conninfo=oms_database_url, poll_interval=timedelta(minutes=1))
    relay.start()
    try:
        relay.drain()  # the loop is listening once its first pass is over; this one finds nothing
        # when
        request_id = write_start_request(admin, tenant, process_id, f"order:{tenant}:o-6:fulfillment")
        # then
        assert observed.created.wait(WAIT_S), "the relay did not start the process after the commit"
    finally:
        assert relay.stop()
    assert start_request(admin, request_id)["status"] == "started"
