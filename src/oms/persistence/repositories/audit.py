"""The audit trail: one append-only row per change (the application role may not update or
delete audit rows)."""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

from oms.application.context import RequestContext
from oms.persistence.session import Session

Json = dict[str, Any]


class PostgresAuditTrail:
    def __init__(self, session: Session, context: RequestContext) -> None:
        self._session = session
        self._context = context

    def record(
        self, action: str, aggregate_type: str, aggregate_id: str, before: Json | None, after: Json | None
    ) -> None:
        s, ctx = self._session, self._context
        s.conn.execute(
            """
            INSERT INTO audit_event (tenant_id, occurred_at, actor_kind, actor_id, action, aggregate_type,
                aggregate_id, before, after, correlation_id, request_id)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
            """,
            (
                s.tenant_id,
                s.now,
                str(ctx.actor.kind),
                ctx.actor.id,
                action,
                aggregate_type,
                aggregate_id,
                None if before is None else Jsonb(before),
                None if after is None else Jsonb(after),
                ctx.correlation_id,
                ctx.request_id,
            ),
        )
