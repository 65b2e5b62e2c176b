"""Idempotency records (rules: ``oms.application.idempotency``).

``claim`` inserts the key with ``ON CONFLICT DO NOTHING``. PostgreSQL makes a second inserter of
the same key wait until the first transaction ends: after a commit the second sees the stored
result, after a rollback it inserts the key itself. So one key never runs two commands."""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

from oms.persistence.session import Session

Json = dict[str, Any]


class PostgresIdempotencyRecords:
    def __init__(self, session: Session) -> None:
        self._session = session

    def claim(self, key: str, request_hash: str) -> tuple[str, Json | None] | None:
        s = self._session
        inserted = s.conn.execute(
            """
            INSERT INTO idempotency_record (tenant_id, actor_id, key, request_hash, created_at)
            VALUES (%s, %s, %s, %s, %s)
            ON CONFLICT (tenant_id, actor_id, key) DO NOTHING
            RETURNING key
            """,
            (s.tenant_id, s.actor_id, key, request_hash, s.now),
        ).fetchone()
        if inserted is not None:
            return None
        row = s.conn.execute(
            "SELECT request_hash, result FROM idempotency_record WHERE tenant_id = %s AND actor_id = %s AND key = %s",
            (s.tenant_id, s.actor_id, key),
        ).fetchone()
        assert row is not None  # the conflicting row is committed, hence visible to this statement
        return str(row[0]), row[1]

    def complete(self, key: str, result: Json) -> None:
        s = self._session
        s.conn.execute(
            "UPDATE idempotency_record SET result = %s, completed_at = %s"
            " WHERE tenant_id = %s AND actor_id = %s AND key = %s",
            (Jsonb(result), s.now, s.tenant_id, s.actor_id, key),
        )
