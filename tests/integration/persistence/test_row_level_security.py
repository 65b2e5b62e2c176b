"""Row-level security backs up the tenant filter of every query: inside tenant B's transaction even
SQL without any tenant filter neither sees nor changes tenant A's rows, in any tenant table."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from persistence_support import MANAGER, NOW, Clock, ctx, pending_quote_with_case

from oms.application.workflow import WorkflowStartRequest
from oms.domain.approval.case import DecisionOutcome
from oms.domain.catalog.demo import demo_catalog
from oms.domain.shared.ids import ActorId
from oms.persistence.database import open_pool
from oms.persistence.tables import APP_ROLE, CPQ_TENANT_TABLES, TENANT_TABLES
from oms.persistence.unit_of_work import PostgresUnitOfWorkFactory


def _fill_every_table(uow_factory: PostgresUnitOfWorkFactory, admin: psycopg.Connection[Any], tenant: str) -> None:
    with uow_factory(ctx(tenant)) as uow:
        uow.catalogs.add(demo_catalog())
        quote, case = pending_quote_with_case()
        uow.quotes.add(quote)
        uow.approvals.add(case)
        case.record_decision(
            MANAGER,
            approver_id=ActorId("manager-1"),
            role="sales_manager",
            outcome=DecisionOutcome.APPROVE,
            comment="",
            now=NOW,
        )
        uow.approvals.save(case)
        uow.audit.record("test", "quote", quote.id, None, {})
        uow.idempotency.claim("key", "hash")
        uow.idempotency.complete("key", {})
        uow.workflow_starts.request(WorkflowStartRequest("quote-approval", f"bk-{quote.id}", "quote", quote.id))
        uow.commit()  # the events go to the outbox
    admin.execute(
        "INSERT INTO workflow_instance_ref (tenant_id, aggregate_type, aggregate_id, workflow_type, business_key,"
        " bpmn_process_id, process_definition_key, process_definition_version, process_instance_key, created_at,"
        " updated_at) VALUES (%s, 'quote', 'q', 'quote-approval', 'bk', 'quote-approval', 1, 1, 1, now(), now())",
        (tenant,),
    )
    admin.execute(
        "INSERT INTO workflow_message_correlation (tenant_id, message_name, correlation_key, correlation_id)"
        " VALUES (%s, 'm', 'k', 'c')",
        (tenant,),
    )


def _counts(uow_factory: PostgresUnitOfWorkFactory, tenant: str) -> dict[str, int]:
    with uow_factory(ctx(tenant)) as uow:
        # deliberately no WHERE tenant_id: only row-level security stands between the tenants here
        # (the order tables have their own test: test_order_row_level_security.py)
        return {table: _count(uow.connection, table) for table in CPQ_TENANT_TABLES}


def _count(conn: psycopg.Connection[Any], table: str) -> int:
    row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert row is not None
    return int(row[0])


def test_a_query_without_tenant_filter_sees_only_its_own_tenant(
    uow_factory: PostgresUnitOfWorkFactory, admin: psycopg.Connection[Any], tenant_a: str, tenant_b: str
) -> None:
    # given
    _fill_every_table(uow_factory, admin, tenant_a)
    # when
    seen_by_a = _counts(uow_factory, tenant_a)
    seen_by_b = _counts(uow_factory, tenant_b)
    # then
    assert all(count >= 1 for count in seen_by_a.values()), seen_by_a
    assert seen_by_b == dict.fromkeys(CPQ_TENANT_TABLES, 0)


def test_updates_and_deletes_without_tenant_filter_touch_nothing_of_another_tenant(
    uow_factory: PostgresUnitOfWorkFactory, admin: psycopg.Connection[Any], tenant_a: str, tenant_b: str
) -> None:
    # given
    _fill_every_table(uow_factory, admin, tenant_a)
    before = _counts(uow_factory, tenant_a)
    # when
    with uow_factory(ctx(tenant_b)) as uow:
        updated = uow.connection.execute("UPDATE quote SET description = 'stolen'").rowcount
        deleted = uow.connection.execute("DELETE FROM quote_item").rowcount
        uow.commit()
    # then
    assert (updated, deleted) == (0, 0)
    assert _counts(uow_factory, tenant_a) == before
    assert admin.execute("SELECT count(*) FROM quote WHERE description = 'stolen'").fetchone() == (0,)


def test_a_row_for_another_tenant_cannot_be_written(
    uow_factory: PostgresUnitOfWorkFactory, tenant_a: str, tenant_b: str
) -> None:
    # given: tenant B's transaction
    with (
        uow_factory(ctx(tenant_b)) as uow,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"),
    ):
        # when / then: a row claiming tenant A is refused
        uow.connection.execute(
            "INSERT INTO audit_event (tenant_id, occurred_at, actor_kind, actor_id, action, aggregate_type,"
            " aggregate_id, correlation_id, request_id) VALUES (%s, now(), 'x', 'x', 'x', 'x', 'x', 'x', 'x')",
            (tenant_a,),
        )


def test_the_transaction_runs_as_the_application_role_with_its_tenant_and_leaves_no_trace(
    database_url: str, tenant_a: str
) -> None:
    # given: a pool of one connection, so the next user gets the very same connection back
    pool = open_pool(database_url, min_size=1, max_size=1, name="one-connection")
    try:
        # when
        with PostgresUnitOfWorkFactory(pool, clock=Clock())(ctx(tenant_a)) as uow:
            inside = uow.connection.execute("SELECT current_user, current_setting('oms.tenant_id', true)").fetchone()
            uow.commit()
        with pool.connection() as conn:
            after = conn.execute("SELECT current_user, current_setting('oms.tenant_id', true)").fetchone()
            conn.rollback()
    finally:
        pool.close()
    # then
    assert inside == (APP_ROLE, tenant_a)
    assert after is not None and after[0] != APP_ROLE and after[1] in (None, "")


def test_without_a_tenant_the_application_role_sees_nothing(
    uow_factory: PostgresUnitOfWorkFactory, admin: psycopg.Connection[Any], database_url: str, tenant_a: str
) -> None:
    # given
    _fill_every_table(uow_factory, admin, tenant_a)
    with psycopg.connect(database_url) as conn:
        conn.execute(f"SET ROLE {APP_ROLE}")
        # when
        counts = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone() for table in TENANT_TABLES}
    # then
    assert counts == dict.fromkeys(TENANT_TABLES, (0,))
