"""Operational alerts (``operational_alert``) and the workflow instance references an order's
incidents are looked up by, in the unit of work's tenant (row-level security applies)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from psycopg.rows import dict_row

from oms.application.unit_of_work import InstanceRef, NewOperationalAlert, OperationalAlert
from oms.persistence.session import Session, utc, utc_or_none

_ALERT_COLUMNS = (
    "id, order_id, aggregate_type, aggregate_id, workflow_type, process_instance_key, incident_key, kind,"
    " element_id, error_message, incident_created_at, opened_at, closed_at, close_reason"
)


def _alert(row: dict[str, Any]) -> OperationalAlert:
    return OperationalAlert(
        id=row["id"],
        order_id=row["order_id"],
        aggregate_type=row["aggregate_type"],
        aggregate_id=row["aggregate_id"],
        workflow_type=row["workflow_type"],
        process_instance_key=row["process_instance_key"],
        incident_key=row["incident_key"],
        kind=row["kind"],
        element_id=row["element_id"],
        error_message=row["error_message"],
        incident_created_at=utc(row["incident_created_at"]),
        opened_at=utc(row["opened_at"]),
        closed_at=utc_or_none(row["closed_at"]),
        close_reason=row["close_reason"],
    )


class PostgresOperationalAlerts:
    def __init__(self, session: Session) -> None:
        self._session = session

    def open(self, alert: NewOperationalAlert) -> OperationalAlert | None:
        s = self._session
        row = (
            s.conn.cursor(row_factory=dict_row)
            .execute(
                f"""
                INSERT INTO operational_alert (tenant_id, order_id, aggregate_type, aggregate_id, workflow_type,
                    process_instance_key, incident_key, kind, element_id, error_message, incident_created_at,
                    opened_at)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                ON CONFLICT ON CONSTRAINT operational_alert_once DO NOTHING
                RETURNING {_ALERT_COLUMNS}
                """,
                (
                    s.tenant_id,
                    alert.order_id,
                    alert.aggregate_type,
                    alert.aggregate_id,
                    alert.workflow_type,
                    alert.process_instance_key,
                    alert.incident_key,
                    alert.kind,
                    alert.element_id,
                    alert.error_message,
                    alert.incident_created_at,
                    s.now,
                ),
            )
            .fetchone()
        )
        return None if row is None else _alert(row)

    def of_incident(self, incident_key: int) -> OperationalAlert | None:
        row = (
            self._session.conn.cursor(row_factory=dict_row)
            .execute(f"SELECT {_ALERT_COLUMNS} FROM operational_alert WHERE incident_key = %s", (incident_key,))
            .fetchone()
        )
        return None if row is None else _alert(row)

    def close(self, incident_key: int, reason: str) -> OperationalAlert | None:
        s = self._session
        row = (
            s.conn.cursor(row_factory=dict_row)
            .execute(
                f"""
                UPDATE operational_alert SET closed_at = %s, close_reason = %s
                WHERE incident_key = %s AND closed_at IS NULL
                RETURNING {_ALERT_COLUMNS}
                """,
                (s.now, reason, incident_key),
            )
            .fetchone()
        )
        return None if row is None else _alert(row)

    def of_order(self, order_id: str) -> list[OperationalAlert]:
        rows = (
            self._session.conn.cursor(row_factory=dict_row)
            .execute(
                f"SELECT {_ALERT_COLUMNS} FROM operational_alert WHERE order_id = %s ORDER BY opened_at DESC, id DESC",
                (order_id,),
            )
            .fetchall()
        )
        return [_alert(row) for row in rows]


#: what ``instance_ref`` reads: ``workflow_instance_ref r`` joined with its start request ``s`` (on
#: tenant, workflow type and business key), whose variables name the order
INSTANCE_REF_COLUMNS = (
    "r.aggregate_type, r.aggregate_id, r.workflow_type, r.business_key, r.bpmn_process_id,"
    " r.process_definition_version, r.process_instance_key, r.status, r.created_at, r.updated_at,"
    " s.variables ->> 'orderId' AS order_id"
)


def instance_ref(row: Mapping[str, Any]) -> InstanceRef:
    return InstanceRef(
        aggregate_type=row["aggregate_type"],
        aggregate_id=row["aggregate_id"],
        workflow_type=row["workflow_type"],
        business_key=row["business_key"],
        bpmn_process_id=row["bpmn_process_id"],
        process_definition_version=row["process_definition_version"],
        process_instance_key=row["process_instance_key"],
        status=row["status"],
        order_id=row["order_id"],
        created_at=utc(row["created_at"]),
        updated_at=utc(row["updated_at"]),
    )


class PostgresWorkflowInstanceRefs:
    def __init__(self, session: Session) -> None:
        self._session = session

    def of_order(self, order_id: str) -> list[InstanceRef]:
        rows = (
            self._session.conn.cursor(row_factory=dict_row)
            .execute(
                f"""
                SELECT {INSTANCE_REF_COLUMNS}
                FROM workflow_instance_ref r
                JOIN workflow_start_request s
                  ON s.tenant_id = r.tenant_id AND s.workflow_type = r.workflow_type
                 AND s.business_key = r.business_key
                WHERE s.variables ->> 'orderId' = %s
                ORDER BY r.created_at, r.id
                """,
                (order_id,),
            )
            .fetchall()
        )
        return [instance_ref(row) for row in rows]

    def record_status(self, process_instance_key: int, status: str) -> bool:
        s = self._session
        cursor = s.conn.execute(
            """
            UPDATE workflow_instance_ref SET status = %s, updated_at = %s, version = version + 1
            WHERE process_instance_key = %s AND status <> %s
            """,
            (status, s.now, process_instance_key, status),
        )
        return cursor.rowcount > 0
