"""The relay's SQL. Every transaction of the relay runs as ``oms_relay`` (migration
``0003_workflow_relay``): it sees the workflow tables of every tenant and nothing else, and may
change only the columns the relay keeps. The callback inbox writes as ``oms_app`` in the callback's
tenant, like any other OMS command.

Claiming a row takes it with ``FOR UPDATE SKIP LOCKED``, counts the attempt and moves
``next_attempt_at`` past a lease, all in a transaction of its own that commits **before** the engine
is called. So several relays never work on one row at once, and a relay that dies mid-attempt leaves
the row with its attempt counted: the next claim knows an instance may exist already.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from oms.application.clock import Clock, SystemClock
from oms.persistence.roles import transaction_as
from oms.persistence.tables import APP_ROLE
from oms.relay.callbacks import Callback, Receipt

RELAY_ROLE: Final = "oms_relay"
#: the channel the migration's triggers notify when a start request or a callback is written
RELAY_CHANNEL: Final = "oms_workflow_relay"
_MAX_ERROR_LENGTH = 2000


@dataclass(frozen=True)
class StartRequest:
    """A claimed ``workflow_start_request``; ``attempt`` counts this attempt (1 for the first)."""

    id: int
    tenant_id: str
    workflow_type: str
    business_key: str
    aggregate_type: str
    aggregate_id: str
    variables: dict[str, Any]
    attempt: int
    correlation_id: str


@dataclass(frozen=True)
class StartedInstance:
    """What the relay records about the instance it created or found."""

    process_instance_key: int
    process_definition_key: int
    bpmn_process_id: str
    version: int
    status: str  # active, completed, terminated, incident (workflow_instance_ref's words)


@dataclass(frozen=True)
class PendingMessage:
    """A claimed received callback, to be published as a message."""

    id: int
    tenant_id: str
    message_name: str
    correlation_key: str
    message_id: str | None
    variables: dict[str, Any]
    attempt: int
    correlation_id: str
    #: the time to live the writer stored (None: the relay's default)
    time_to_live_ms: int | None = None


def _error_text(error: str) -> str:
    return error if len(error) <= _MAX_ERROR_LENGTH else error[: _MAX_ERROR_LENGTH - 1] + "…"


class RelayStore:
    """The relay's reads and writes, each in a transaction of its own on ``pool``."""

    def __init__(self, pool: ConnectionPool, *, clock: Clock | None = None) -> None:
        self._pool = pool
        self._clock = clock or SystemClock()

    def now(self) -> datetime:
        return self._clock.now()

    def _transaction(self) -> AbstractContextManager[psycopg.Connection[Any]]:
        return transaction_as(self._pool, RELAY_ROLE)

    # ------------------------------------------------------------------ start requests

    def claim_start_requests(self, *, limit: int, lease: timedelta) -> list[StartRequest]:
        now = self.now()
        with self._transaction() as conn:
            cursor = conn.cursor(row_factory=dict_row)
            rows = cursor.execute(
                """
                WITH due AS (
                    SELECT id FROM workflow_start_request
                    WHERE status = 'pending' AND next_attempt_at <= %(now)s
                    ORDER BY next_attempt_at, id
                    LIMIT %(limit)s
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE workflow_start_request r
                SET attempt_count = r.attempt_count + 1, next_attempt_at = %(lease_until)s
                FROM due WHERE r.id = due.id
                RETURNING r.id, r.tenant_id, r.workflow_type, r.business_key, r.aggregate_type, r.aggregate_id,
                          r.variables, r.attempt_count, r.correlation_id
                """,
                {"now": now, "limit": limit, "lease_until": now + lease},
            ).fetchall()
        return [
            StartRequest(
                id=row["id"],
                tenant_id=row["tenant_id"],
                workflow_type=row["workflow_type"],
                business_key=row["business_key"],
                aggregate_type=row["aggregate_type"],
                aggregate_id=row["aggregate_id"],
                variables=dict(row["variables"]),
                attempt=row["attempt_count"],
                correlation_id=row["correlation_id"],
            )
            for row in sorted(rows, key=lambda r: r["id"])
        ]

    def record_started(self, request: StartRequest, instance: StartedInstance) -> None:
        """The instance reference and the request's new state, in one transaction."""
        now = self.now()
        with self._transaction() as conn:
            conn.execute(
                """
                INSERT INTO workflow_instance_ref (tenant_id, aggregate_type, aggregate_id, workflow_type,
                    business_key, bpmn_process_id, process_definition_key, process_definition_version,
                    process_instance_key, status, created_at, updated_at)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                ON CONFLICT DO NOTHING
                """,
                (
                    request.tenant_id,
                    request.aggregate_type,
                    request.aggregate_id,
                    request.workflow_type,
                    request.business_key,
                    instance.bpmn_process_id,
                    instance.process_definition_key,
                    instance.version,
                    instance.process_instance_key,
                    instance.status,
                    now,
                    now,
                ),
            )
            conn.execute(
                """
                UPDATE workflow_start_request
                SET status = 'started', process_instance_key = %s, started_at = %s
                WHERE id = %s AND status = 'pending'
                """,
                (instance.process_instance_key, now, request.id),
            )

    def record_start_failure(self, request: StartRequest, error: str, *, retry_at: datetime | None) -> None:
        """A failed attempt: the error, and when to try again (``None``: never, the request failed)."""
        with self._transaction() as conn:
            conn.execute(
                """
                UPDATE workflow_start_request
                SET last_error = %s, next_attempt_at = COALESCE(%s::timestamptz, next_attempt_at),
                    status = CASE WHEN %s::timestamptz IS NULL THEN 'failed' ELSE status END
                WHERE id = %s AND status = 'pending'
                """,
                (_error_text(error), retry_at, retry_at, request.id),
            )

    # ------------------------------------------------------------------ message correlations

    def claim_messages(self, *, limit: int, lease: timedelta) -> list[PendingMessage]:
        now = self.now()
        with self._transaction() as conn:
            cursor = conn.cursor(row_factory=dict_row)
            rows = cursor.execute(
                """
                WITH due AS (
                    SELECT id FROM workflow_message_correlation
                    WHERE status = 'received' AND next_attempt_at <= %(now)s
                    ORDER BY next_attempt_at, id
                    LIMIT %(limit)s
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE workflow_message_correlation m
                SET attempt_count = m.attempt_count + 1, next_attempt_at = %(lease_until)s
                FROM due WHERE m.id = due.id
                RETURNING m.id, m.tenant_id, m.message_name, m.correlation_key, m.message_id, m.variables,
                          m.attempt_count, m.correlation_id, m.time_to_live_ms
                """,
                {"now": now, "limit": limit, "lease_until": now + lease},
            ).fetchall()
        return [
            PendingMessage(
                id=row["id"],
                tenant_id=row["tenant_id"],
                message_name=row["message_name"],
                correlation_key=row["correlation_key"],
                message_id=row["message_id"],
                variables=dict(row["variables"]),
                attempt=row["attempt_count"],
                correlation_id=row["correlation_id"],
                time_to_live_ms=row["time_to_live_ms"],
            )
            for row in sorted(rows, key=lambda r: r["id"])
        ]

    def record_published(self, message: PendingMessage) -> None:
        with self._transaction() as conn:
            conn.execute(
                """
                UPDATE workflow_message_correlation SET status = 'published', published_at = %s
                WHERE id = %s AND status = 'received'
                """,
                (self.now(), message.id),
            )

    def record_message_failure(self, message: PendingMessage, error: str, *, retry_at: datetime | None) -> None:
        with self._transaction() as conn:
            conn.execute(
                """
                UPDATE workflow_message_correlation
                SET last_error = %s, next_attempt_at = COALESCE(%s::timestamptz, next_attempt_at),
                    status = CASE WHEN %s::timestamptz IS NULL THEN 'failed' ELSE status END
                WHERE id = %s AND status = 'received'
                """,
                (_error_text(error), retry_at, retry_at, message.id),
            )


class PostgresCallbackInbox:
    """:class:`~oms.relay.callbacks.CallbackInbox` on ``workflow_message_correlation``, as ``oms_app``
    in the callback's tenant. A callback is new (inserted, or filling the row a worker wrote when it
    expected it), a duplicate (its message id is recorded for the same name and key), or a conflict
    (the key was answered by another callback, or the id was used for another key)."""

    def __init__(self, pool: ConnectionPool, *, clock: Clock | None = None) -> None:
        self._pool = pool
        self._clock = clock or SystemClock()

    def record(self, callback: Callback) -> Receipt:
        now = self._clock.now()
        with transaction_as(self._pool, APP_ROLE, tenant_id=callback.tenant_id) as conn:
            known = self._recorded(conn, callback)
            if known is not None:
                return known
            values = (
                Jsonb(callback.variables()),
                now,
                callback.correlation_id,
                now,
                callback.system,
                callback.message_id,
            )
            inserted = conn.execute(
                """
                INSERT INTO workflow_message_correlation (variables, next_attempt_at, correlation_id, received_at,
                    source_system, message_id, tenant_id, message_name, correlation_key, status)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 'received')
                ON CONFLICT DO NOTHING
                RETURNING id
                """,
                (*values, callback.tenant_id, callback.message_name, callback.correlation_key),
            ).fetchone()
            if inserted is not None:
                return Receipt.RECORDED
            expected = conn.execute(
                """
                UPDATE workflow_message_correlation
                SET variables = %s, next_attempt_at = %s, correlation_id = %s, received_at = %s,
                    source_system = %s, message_id = %s, status = 'received'
                WHERE tenant_id = %s AND message_name = %s AND correlation_key = %s AND status = 'expected'
                RETURNING id
                """,
                (*values, callback.tenant_id, callback.message_name, callback.correlation_key),
            ).fetchone()
            if expected is not None:
                return Receipt.RECORDED
            # A concurrent delivery of the same callback may have committed since the first look.
            return self._recorded(conn, callback) or Receipt.CONFLICT

    @staticmethod
    def _recorded(conn: psycopg.Connection[Any], callback: Callback) -> Receipt | None:
        """DUPLICATE or CONFLICT when this callback's id or its correlation key is recorded already."""
        rows = conn.execute(
            """
            SELECT message_name, correlation_key, message_id FROM workflow_message_correlation
            WHERE tenant_id = %s
              AND (message_id = %s OR (message_name = %s AND correlation_key = %s AND status <> 'expected'))
            """,
            (callback.tenant_id, callback.message_id, callback.message_name, callback.correlation_key),
        ).fetchall()
        if not rows:
            return None
        same = (callback.message_name, callback.correlation_key, callback.message_id)
        return Receipt.DUPLICATE if all(tuple(row) == same for row in rows) else Receipt.CONFLICT
