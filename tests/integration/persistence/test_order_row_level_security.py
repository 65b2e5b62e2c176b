"""Row-level security on the order tables: inside tenant B's transaction, SQL without any tenant
filter neither sees nor changes tenant A's orders, plans, tasks, requests, cases or ledger rows."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from order_persistence_support import LATER, OPERATOR, order_in_fallout
from persistence_support import ctx

from oms.domain.order.amendment import ProductOrderAmendment
from oms.domain.order.cancellation import CancelProductOrder
from oms.domain.order.keys import AmendmentRequestId, CancellationRequestId
from oms.domain.shared.ids import OrderItemId
from oms.persistence.tables import APP_ROLE, ORDER_TENANT_TABLES
from oms.persistence.unit_of_work import PostgresUnitOfWorkFactory


def _fill_every_order_table(uow_factory: PostgresUnitOfWorkFactory, tenant: str) -> None:
    order, plan, case = order_in_fallout()
    other, _, _ = order_in_fallout()
    cancellation = CancelProductOrder.request(
        OPERATOR, order, request_id=CancellationRequestId("c-1"), reason="x", now=LATER
    )
    amendment = ProductOrderAmendment.request(
        OPERATOR, other, request_id=AmendmentRequestId("a-1"), now=LATER, remove=(OrderItemId("tv"),)
    )
    with uow_factory(ctx(tenant, OPERATOR)) as uow:
        uow.orders.add(order)
        uow.plans.add(plan)
        uow.fallout_cases.add(case)
        uow.cancellations.add(cancellation)
        uow.orders.add(other)
        uow.amendments.add(amendment)
        uow.connection.execute(
            "INSERT INTO external_call_attempt (tenant_id, target_system, operation, idempotency_key, correlation_id,"
            " created_at, updated_at) VALUES (%s, 'inventory', 'reserve-resource', 'k:run-1', 'c', now(), now())",
            (tenant,),
        )
        uow.commit()


def _counts(uow_factory: PostgresUnitOfWorkFactory, tenant: str) -> dict[str, int]:
    with uow_factory(ctx(tenant)) as uow:
        # deliberately no WHERE tenant_id: only row-level security stands between the tenants here
        return {table: _count(uow.connection, table) for table in ORDER_TENANT_TABLES}


def _count(conn: psycopg.Connection[Any], table: str) -> int:
    row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert row is not None
    return int(row[0])


def test_a_query_without_tenant_filter_sees_only_its_own_tenants_order_rows(
    uow_factory: PostgresUnitOfWorkFactory, tenant_a: str, tenant_b: str
) -> None:
    # given
    _fill_every_order_table(uow_factory, tenant_a)
    # when
    seen_by_a = _counts(uow_factory, tenant_a)
    seen_by_b = _counts(uow_factory, tenant_b)
    # then
    assert all(count >= 1 for count in seen_by_a.values()), seen_by_a
    assert seen_by_b == dict.fromkeys(ORDER_TENANT_TABLES, 0)


def test_updates_and_deletes_without_tenant_filter_touch_no_order_row_of_another_tenant(
    uow_factory: PostgresUnitOfWorkFactory, admin: psycopg.Connection[Any], tenant_a: str, tenant_b: str
) -> None:
    # given
    _fill_every_order_table(uow_factory, tenant_a)
    before = _counts(uow_factory, tenant_a)
    # when
    with uow_factory(ctx(tenant_b)) as uow:
        touched = [
            uow.connection.execute("UPDATE product_order SET state = 'cancelled', cancellation_date = now()").rowcount,
            uow.connection.execute("UPDATE fulfillment_task SET state = 'skipped'").rowcount,
            uow.connection.execute("UPDATE fallout_case SET assignee = 'thief'").rowcount,
            uow.connection.execute("UPDATE external_call_attempt SET status = 'unknown'").rowcount,
            uow.connection.execute("DELETE FROM product_order_item").rowcount,
        ]
        uow.commit()
    # then
    assert touched == [0, 0, 0, 0, 0]
    assert _counts(uow_factory, tenant_a) == before
    assert admin.execute("SELECT count(*) FROM fallout_case WHERE assignee = 'thief'").fetchone() == (0,)


def test_the_application_role_may_not_delete_orders_tasks_or_cases(
    uow_factory: PostgresUnitOfWorkFactory, database_url: str, tenant_a: str
) -> None:
    # given
    _fill_every_order_table(uow_factory, tenant_a)
    with psycopg.connect(database_url) as conn:
        conn.execute(f"SET ROLE {APP_ROLE}")
        # when / then: only items are rewritten; nothing else is ever deleted
        for table in ("product_order", "fulfillment_task", "fallout_case", "external_call_attempt"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute(f"DELETE FROM {table}")
