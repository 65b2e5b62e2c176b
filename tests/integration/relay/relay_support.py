"""Helpers of the relay suite: start requests written as the business transaction would, a client
that fails on demand (an engine that is away), BPMN models."""

from __future__ import annotations

import threading
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from oms.engine.testing.builder import process
from oms.workflow.client import (
    CreatedInstance,
    ProcessInstanceSummary,
    PublishedMessage,
    Unavailable,
    Variables,
    WorkflowClient,
)

WAIT_S = 15.0


def waits_for_message(process_id: str, message: str, correlation_variable: str) -> bytes:
    return (
        process(process_id)
        .start_event()
        .intermediate_catch_message("wait", name=message, correlation_key=f"={correlation_variable}")
        .end_event("done")
        .done()
    )


def write_start_request(
    conn: psycopg.Connection[Any],
    tenant_id: str,
    workflow_type: str,
    business_key: str,
    *,
    variables: dict[str, Any] | None = None,
    due: Any = None,
) -> int:
    """A start request as the business transaction writes it (as ``oms_app`` in its tenant)."""
    with conn.transaction():
        conn.execute("SELECT set_config('role', 'oms_app', true), set_config('oms.tenant_id', %s, true)", (tenant_id,))
        row = conn.execute(
            """
            INSERT INTO workflow_start_request (tenant_id, workflow_type, business_key, aggregate_type, aggregate_id,
                variables, next_attempt_at, correlation_id, created_at)
            VALUES (%s, %s, %s, 'order', %s, %s, COALESCE(%s, now()), 'corr-1', now())
            RETURNING id
            """,
            (tenant_id, workflow_type, business_key, business_key, Jsonb(variables or {}), due),
        ).fetchone()
    assert row is not None
    return int(row[0])


def start_request(conn: psycopg.Connection[Any], request_id: int) -> dict[str, Any]:
    cursor = conn.cursor(row_factory=psycopg.rows.dict_row)
    row = cursor.execute("SELECT * FROM workflow_start_request WHERE id = %s", (request_id,)).fetchone()
    assert row is not None
    return row


class FlakyClient:
    """Forwards to a real client; ``create_instance``/``publish_message`` raise :class:`Unavailable`
    while failures are left, and every successful create sets ``created``."""

    def __init__(self, inner: WorkflowClient, *, failures: int = 0) -> None:
        self.inner = inner
        self.failures = failures
        self.creates = 0
        self.created = threading.Event()

    def _maybe_fail(self) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise Unavailable("connection refused (the engine is away)")

    def create_instance(self, bpmn_process_id: str, **kwargs: Any) -> CreatedInstance:
        self._maybe_fail()
        created = self.inner.create_instance(bpmn_process_id, **kwargs)
        self.creates += 1
        self.created.set()
        return created

    def publish_message(self, name: str, correlation_key: str, **kwargs: Any) -> PublishedMessage:
        self._maybe_fail()
        return self.inner.publish_message(name, correlation_key, **kwargs)

    def search_instances(self, **kwargs: Any) -> list[ProcessInstanceSummary]:
        return self.inner.search_instances(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def instances_with_business_key(client: WorkflowClient, process_id: str, business_key: str) -> list[int]:
    variables: Variables = {"businessKey": business_key}
    return [i.key for i in client.search_instances(bpmn_process_id=process_id, variables=variables)]
