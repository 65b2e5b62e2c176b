"""The time to live of application messages: a message is published with the one its writer stored
(the contract's: 1 hour for ``fallout.repaired``, 2 hours for ``order.provisioning.completed``), and
with the relay's default (1 day) when none was stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from psycopg_pool import ConnectionPool

from oms.application.context import RequestContext
from oms.application.runner import run_command
from oms.application.unit_of_work import UnitOfWork
from oms.application.workflow import MESSAGE_TIME_TO_LIVE, WorkflowMessage
from oms.domain.shared.actors import Actor, ActorKind
from oms.domain.shared.ids import ActorId
from oms.engine.testing.harness import ProcessTestHarness
from oms.persistence.unit_of_work import PostgresUnitOfWorkFactory
from oms.relay.messages import MessageRelay
from oms.relay.options import RelayOptions
from oms.relay.store import RelayStore
from oms.workflow.client import WorkflowClient
from oms.workflow.processes import contract

WORKER = Actor(ActorKind.SERVICE, ActorId("oms-workflow-worker"))


def buffered_for(process_test: ProcessTestHarness, message_id: str) -> timedelta:
    """How long the engine buffers the published message (its deadline after its publication)."""
    with process_test.engine.pool.connection() as conn:
        row = conn.execute(
            "SELECT deadline - published_at FROM engine.message WHERE message_id = %s", (message_id,)
        ).fetchone()
    assert row is not None, f"no message {message_id} was published"
    ttl: timedelta = row[0]
    return ttl


def test_each_message_is_published_with_its_own_time_to_live_or_the_relays_default(
    client: WorkflowClient, process_test: ProcessTestHarness, pool: ConnectionPool, store: RelayStore, tenant: str
) -> None:
    # given: a repaired case, a finished provisioning round, a decision (no TTL in the contract) and a
    # message whose writer chose its own, written by the application in one transaction
    messages = (
        WorkflowMessage("fallout.repaired", "fc-1", f"{tenant}:fc-1:repaired", {"nextStep": "close"}),
        WorkflowMessage("order.provisioning.completed", "o-1:run-1", f"{tenant}:o-1:run-1", {"nextStep": "close"}),
        WorkflowMessage("quote.approval.decided", "ac-1", f"{tenant}:ac-1:1", {"approvalOutcome": "approved"}),
        WorkflowMessage("order.amendment.decided", "am-1", f"{tenant}:am-1", {}, time_to_live=timedelta(minutes=5)),
    )

    def write(uow: UnitOfWork) -> None:
        for message in messages:
            uow.workflow_messages.publish(message)

    run_command(PostgresUnitOfWorkFactory(pool), RequestContext.new(tenant, WORKER), write)
    # when
    relay = MessageRelay(store, client, RelayOptions(message_ttl=timedelta(days=1)))
    while relay.run_once():
        pass
    # then
    assert [buffered_for(process_test, message.message_id) for message in messages] == [
        timedelta(hours=1),
        timedelta(hours=2),
        timedelta(days=1),
        timedelta(minutes=5),
    ]


def test_the_contract_times_to_live_are_set_on_the_messages_they_name() -> None:
    # then: every name is a message of the contract; a message of that name gets it unless told otherwise
    assert set(MESSAGE_TIME_TO_LIVE) <= {message.name for message in contract.ALL_MESSAGES}
    assert WorkflowMessage(contract.FALLOUT_REPAIRED.name, "fc-1", "fc-1:repaired").time_to_live == timedelta(hours=1)
    provisioning = WorkflowMessage(contract.ORDER_PROVISIONING_COMPLETED.name, "r-1", "r-1")
    assert provisioning.time_to_live is not None and provisioning.time_to_live >= timedelta(hours=2)
    assert WorkflowMessage(contract.ORDER_CANCELLATION_ACCEPTED.name, "o-1", "o-1:accepted").time_to_live is None
    chosen = WorkflowMessage(contract.FALLOUT_REPAIRED.name, "fc-1", "fc-1:repaired", time_to_live=timedelta(0))
    assert chosen.time_to_live == timedelta(0)
    with pytest.raises(ValueError, match="negative time to live"):
        WorkflowMessage("fallout.repaired", "fc-1", "fc-1:repaired", time_to_live=timedelta(seconds=-1))
