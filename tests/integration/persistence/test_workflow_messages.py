"""Messages for waiting processes: written in the business transaction, unique by message id, due
for the relay at once."""

from __future__ import annotations

from typing import Any

import psycopg
from persistence_support import ctx

from oms.application.workflow import WorkflowMessage
from oms.persistence.unit_of_work import PostgresUnitOfWorkFactory


def _decision(message_id: str, outcome: str) -> WorkflowMessage:
    return WorkflowMessage("quote.approval.decided", "case-1", message_id, {"approvalOutcome": outcome})


def _rows(admin: psycopg.Connection[Any], tenant: str) -> list[tuple[Any, ...]]:
    return admin.execute(
        """
        SELECT message_name, correlation_key, message_id, status, variables, next_attempt_at IS NOT NULL
        FROM workflow_message_correlation WHERE tenant_id = %s ORDER BY id
        """,
        (tenant,),
    ).fetchall()


def test_a_published_message_is_due_for_the_relay(
    uow_factory: PostgresUnitOfWorkFactory, admin: psycopg.Connection[Any], tenant_a: str
) -> None:
    # when
    with uow_factory(ctx(tenant_a)) as uow:
        written = uow.workflow_messages.publish(_decision("case-1:decision:1", "approved"))
        uow.commit()
    # then
    assert written is True
    assert _rows(admin, tenant_a) == [
        ("quote.approval.decided", "case-1", "case-1:decision:1", "received", {"approvalOutcome": "approved"}, True)
    ]


def test_the_same_message_id_is_written_once(
    uow_factory: PostgresUnitOfWorkFactory, admin: psycopg.Connection[Any], tenant_a: str
) -> None:
    # given
    with uow_factory(ctx(tenant_a)) as uow:
        uow.workflow_messages.publish(_decision("case-1:decision:1", "approved"))
        uow.commit()
    # when
    with uow_factory(ctx(tenant_a)) as uow:
        again = uow.workflow_messages.publish(_decision("case-1:decision:1", "approved"))
        uow.commit()
    # then
    assert again is False
    assert len(_rows(admin, tenant_a)) == 1


def test_two_answers_to_the_same_correlation_key_are_two_messages(
    uow_factory: PostgresUnitOfWorkFactory, admin: psycopg.Connection[Any], tenant_a: str
) -> None:
    # when: a multi-level approval answers the same case twice
    with uow_factory(ctx(tenant_a)) as uow:
        first = uow.workflow_messages.publish(_decision("case-1:decision:1", "pending"))
        second = uow.workflow_messages.publish(_decision("case-1:decision:2", "approved"))
        uow.commit()
    # then
    assert (first, second) == (True, True)
    assert [row[2] for row in _rows(admin, tenant_a)] == ["case-1:decision:1", "case-1:decision:2"]


def test_a_message_is_rolled_back_with_its_transaction(
    uow_factory: PostgresUnitOfWorkFactory, admin: psycopg.Connection[Any], tenant_a: str
) -> None:
    # when
    with uow_factory(ctx(tenant_a)) as uow:
        uow.workflow_messages.publish(_decision("case-1:decision:1", "approved"))
        # no commit: the command failed after writing it
    # then
    assert _rows(admin, tenant_a) == []
