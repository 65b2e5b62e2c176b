"""The scheduler's cross-tenant reads. Every transaction runs as ``oms_scheduler`` (migration
``0006_reconciliation``): it may read the workflow instance references and start requests, four
columns of ``product_order`` and the alerts and findings, of every tenant, and write nothing. What
the scheduler records and repairs goes through application commands, as ``oms_app`` in the tenant.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from oms.application.unit_of_work import InstanceRef
from oms.persistence.repositories.alerts import INSTANCE_REF_COLUMNS, instance_ref
from oms.persistence.roles import transaction_as
from oms.persistence.session import utc, utc_or_none
from oms.persistence.tables import SCHEDULER_ROLE

#: order states in which the fulfillment process should still be running
ORDER_IN_PROGRESS_STATES = ("acknowledged", "inProgress", "pending", "held")
#: order states after which no process of the order has anything left to do
ORDER_FINAL_STATES = ("rejected", "cancelled", "completed", "failed", "partial")


@dataclass(frozen=True)
class TrackedInstance:
    """A workflow instance reference as the scheduler sees it: with its tenant, the routing variables
    of its start request, and the state of the order the request names (if any)."""

    id: int
    tenant_id: str
    ref: InstanceRef
    start_variables: dict[str, Any]
    order_state: str | None
    order_updated_at: datetime | None

    @property
    def order_is_final(self) -> bool:
        return self.order_state in ORDER_FINAL_STATES


@dataclass(frozen=True)
class StaleStartRequest:
    id: int
    tenant_id: str
    workflow_type: str
    business_key: str
    aggregate_type: str
    aggregate_id: str
    status: str
    attempt_count: int
    last_error: str | None
    created_at: datetime


@dataclass(frozen=True)
class OpenAlert:
    tenant_id: str
    incident_key: int
    process_instance_key: int


@dataclass(frozen=True)
class OpenFinding:
    tenant_id: str
    kind: str
    subject: str


_TRACKED = f"""
    SELECT r.id, r.tenant_id, {INSTANCE_REF_COLUMNS}, COALESCE(s.variables, '{{}}'::jsonb) AS variables,
           o.state AS order_state, o.updated_at AS order_updated_at
    FROM workflow_instance_ref r
    LEFT JOIN workflow_start_request s
      ON s.tenant_id = r.tenant_id AND s.workflow_type = r.workflow_type AND s.business_key = r.business_key
    LEFT JOIN product_order o ON o.tenant_id = r.tenant_id AND o.id = s.variables ->> 'orderId'
"""


def _tracked(row: dict[str, Any]) -> TrackedInstance:
    return TrackedInstance(
        id=row["id"],
        tenant_id=row["tenant_id"],
        ref=instance_ref(row),
        start_variables=dict(row["variables"]),
        order_state=row["order_state"],
        order_updated_at=utc_or_none(row["order_updated_at"]),
    )


class SchedulerStore:
    """Read-only queries, each in a transaction of its own on ``pool``, as ``oms_scheduler``."""

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Cursor[dict[str, Any]]]:
        with transaction_as(self._pool, SCHEDULER_ROLE) as conn:
            yield conn.cursor(row_factory=dict_row)

    def live_instances(self, *, after_id: int, limit: int) -> list[TrackedInstance]:
        """References whose instance was last seen running (status active or incident), by id."""
        with self._transaction() as cursor:
            rows = cursor.execute(
                f"{_TRACKED} WHERE r.status IN ('active', 'incident') AND r.id > %s ORDER BY r.id LIMIT %s",
                (after_id, limit),
            ).fetchall()
        return [_tracked(row) for row in rows]

    def ended_instances_of_open_orders(self, workflow_type: str, *, after_id: int, limit: int) -> list[TrackedInstance]:
        """References of ``workflow_type`` seen ended (completed or terminated) whose order is still in
        progress (acknowledged, inProgress, pending, held)."""
        with self._transaction() as cursor:
            rows = cursor.execute(
                f"""{_TRACKED}
                WHERE r.workflow_type = %s AND r.status IN ('completed', 'terminated')
                  AND o.state = ANY(%s) AND r.id > %s
                ORDER BY r.id LIMIT %s
                """,
                (workflow_type, list(ORDER_IN_PROGRESS_STATES), after_id, limit),
            ).fetchall()
        return [_tracked(row) for row in rows]

    def stale_start_requests(self, *, pending_before: datetime, after_id: int, limit: int) -> list[StaleStartRequest]:
        """Start requests the relay gave up on (failed), or still pending since before ``pending_before``."""
        with self._transaction() as cursor:
            rows = cursor.execute(
                """
                SELECT id, tenant_id, workflow_type, business_key, aggregate_type, aggregate_id, status,
                       attempt_count, last_error, created_at
                FROM workflow_start_request
                WHERE (status = 'failed' OR (status = 'pending' AND created_at < %s)) AND id > %s
                ORDER BY id LIMIT %s
                """,
                (pending_before, after_id, limit),
            ).fetchall()
        return [
            StaleStartRequest(
                id=row["id"],
                tenant_id=row["tenant_id"],
                workflow_type=row["workflow_type"],
                business_key=row["business_key"],
                aggregate_type=row["aggregate_type"],
                aggregate_id=row["aggregate_id"],
                status=row["status"],
                attempt_count=row["attempt_count"],
                last_error=row["last_error"],
                created_at=utc(row["created_at"]),
            )
            for row in rows
        ]

    def open_alerts(self, *, after_id: int, limit: int) -> list[tuple[int, OpenAlert]]:
        with self._transaction() as cursor:
            rows = cursor.execute(
                """
                SELECT id, tenant_id, incident_key, process_instance_key FROM operational_alert
                WHERE closed_at IS NULL AND id > %s ORDER BY id LIMIT %s
                """,
                (after_id, limit),
            ).fetchall()
        return [
            (row["id"], OpenAlert(row["tenant_id"], row["incident_key"], row["process_instance_key"])) for row in rows
        ]

    def open_findings(self) -> list[OpenFinding]:
        """Every open finding's (tenant, kind, subject): what a complete pass may clear."""
        with self._transaction() as cursor:
            rows = cursor.execute(
                "SELECT tenant_id, kind, subject FROM reconciliation_finding"
                " WHERE repaired_at IS NULL AND cleared_at IS NULL ORDER BY id"
            ).fetchall()
        return [OpenFinding(row["tenant_id"], row["kind"], row["subject"]) for row in rows]
