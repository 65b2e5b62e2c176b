"""Writes outbox rows in the command's transaction. Publishing them (to Kafka) is the outbox
relay's job, later work: it reads ``WHERE published_at IS NULL ORDER BY position`` and stamps
``published_at`` after the broker acknowledged."""

from __future__ import annotations

from collections.abc import Sequence

from psycopg.types.json import Jsonb

from oms.application.context import RequestContext
from oms.application.outbox import OutboxMessage
from oms.persistence.session import Session


def write_outbox(session: Session, context: RequestContext, messages: Sequence[OutboxMessage]) -> None:
    if not messages:
        return
    with session.conn.cursor() as cur:
        cur.executemany(
            """
            INSERT INTO outbox_event (tenant_id, aggregate_type, aggregate_id, event_type, payload, occurred_at,
                recorded_at, correlation_id, request_id)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
            """,
            [
                (
                    session.tenant_id,
                    message.aggregate_type,
                    message.aggregate_id,
                    message.event_type,
                    Jsonb(message.payload),
                    message.occurred_at,
                    session.now,
                    context.correlation_id,
                    context.request_id,
                )
                for message in messages
            ],
        )
