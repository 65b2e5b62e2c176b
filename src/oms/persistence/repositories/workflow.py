"""Workflow start requests and messages for waiting processes, written in the business transaction
and relayed to the engine after commit. Unique keys make asking twice harmless (``ON CONFLICT DO
NOTHING``): (tenant, workflow type, business key) for a start, (tenant, message id) for a message."""

from __future__ import annotations

from psycopg.types.json import Jsonb

from oms.application.workflow import WorkflowMessage, WorkflowStartRequest
from oms.persistence.session import Session


class PostgresWorkflowStartRequests:
    def __init__(self, session: Session, correlation_id: str) -> None:
        self._session = session
        self._correlation_id = correlation_id

    def request(self, start: WorkflowStartRequest) -> bool:
        s = self._session
        row = s.conn.execute(
            """
            INSERT INTO workflow_start_request (tenant_id, workflow_type, business_key, aggregate_type,
                aggregate_id, variables, next_attempt_at, correlation_id, created_at)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
            ON CONFLICT ON CONSTRAINT workflow_start_request_once DO NOTHING
            RETURNING id
            """,
            (
                s.tenant_id,
                start.workflow_type,
                start.business_key,
                start.aggregate_type,
                start.aggregate_id,
                Jsonb(start.variables),
                s.now,
                self._correlation_id,
                s.now,
            ),
        ).fetchone()
        return row is not None


class PostgresWorkflowMessages:
    def __init__(self, session: Session, correlation_id: str) -> None:
        self._session = session
        self._correlation_id = correlation_id

    def publish(self, message: WorkflowMessage) -> bool:
        s = self._session
        # 'received' with no source system: due for the relay at once, like a callback.
        row = s.conn.execute(
            """
            INSERT INTO workflow_message_correlation (tenant_id, message_name, correlation_key, message_id,
                status, variables, next_attempt_at, correlation_id, received_at, time_to_live_ms)
            VALUES (%s, %s, %s, %s, 'received', %s, %s, %s, %s, %s)
            ON CONFLICT (tenant_id, message_id) WHERE message_id IS NOT NULL DO NOTHING
            RETURNING id
            """,
            (
                s.tenant_id,
                message.name,
                message.correlation_key,
                message.message_id,
                Jsonb(message.variables),
                s.now,
                self._correlation_id,
                s.now,
                None if message.time_to_live is None else int(message.time_to_live.total_seconds() * 1000),
            ),
        ).fetchone()
        return row is not None
