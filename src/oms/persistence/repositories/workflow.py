"""Workflow start requests, written in the business transaction. The unique key (tenant, workflow
type, business key) makes asking twice harmless: ``ON CONFLICT DO NOTHING``."""

from __future__ import annotations

from psycopg.types.json import Jsonb

from oms.application.workflow import WorkflowStartRequest
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
