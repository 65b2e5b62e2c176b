"""The scheduler's role ``oms_scheduler`` reads what reconciliation needs across tenants, and
nothing else; it writes nothing (its records and repairs run as ``oms_app`` in the tenant)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from scheduler_support import Tenant

from oms.persistence.tables import SCHEDULER_ROLE


def _as_scheduler(conn: psycopg.Connection[Any]) -> None:
    conn.execute("SELECT set_config('role', %s, true)", (SCHEDULER_ROLE,))


def test_the_scheduler_role_reads_every_tenants_references_and_order_states(
    tenant: Tenant, oms_database_url: str
) -> None:
    # given
    order = tenant.place()
    with psycopg.connect(oms_database_url) as conn:
        _as_scheduler(conn)
        # when
        requests = conn.execute(
            "SELECT count(*) FROM workflow_start_request WHERE tenant_id = %s", (tenant.id,)
        ).fetchone()
        state = conn.execute(
            "SELECT state FROM product_order WHERE tenant_id = %s AND id = %s", (tenant.id, order.id)
        ).fetchone()
    # then
    assert requests == (1,)
    assert state == ("acknowledged",)


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT header FROM product_order",
        "SELECT count(*) FROM quote",
        "SELECT count(*) FROM fulfillment_task",
        "SELECT count(*) FROM outbox_event",
        "UPDATE workflow_instance_ref SET status = 'completed'",
        "UPDATE product_order SET state = 'completed'",
        "INSERT INTO operational_alert (tenant_id, aggregate_type, aggregate_id, workflow_type, process_instance_key,"
        " incident_key, kind, element_id, incident_created_at, opened_at) VALUES"
        " ('t', 'a', 'a', 'w', 1, 1, 'k', 'e', now(), now())",
        "UPDATE reconciliation_finding SET cleared_at = now()",
    ],
)
def test_the_scheduler_role_may_do_nothing_else(statement: str, oms_database_url: str) -> None:
    with psycopg.connect(oms_database_url) as conn:
        _as_scheduler(conn)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement)
