"""The external call ledger (``external_call_attempt``) and the dedupe records of callbacks the
application handles itself (rows of ``workflow_message_correlation`` that the relay never publishes).

A ledger entry is unique per (tenant, system, operation, idempotency key). ``begin`` inserts it as
pending or locks the one recorded before (``FOR UPDATE``), so two workers running the same task at
once take turns, and the second sees the first one's answer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from oms.application.external_systems import CallStatus, ExternalCall, Json, LedgerEntry
from oms.persistence.session import Session

_COLUMNS = """id, target_system, operation, idempotency_key, status, attempt_count, request_payload,
              response_payload, order_id, plan_id, task_id, last_error"""
_MAX_ERROR_LENGTH = 2000


def _entry(row: dict[str, Any]) -> LedgerEntry:
    return LedgerEntry(
        id=row["id"],
        target_system=row["target_system"],
        operation=row["operation"],
        idempotency_key=row["idempotency_key"],
        status=CallStatus(row["status"]),
        attempts=row["attempt_count"],
        request=dict(row["request_payload"] or {}),
        response=None if row["response_payload"] is None else dict(row["response_payload"]),
        order_id=row["order_id"],
        plan_id=row["plan_id"],
        task_id=row["task_id"],
        last_error=row["last_error"],
    )


class PostgresExternalCallLedger:
    def __init__(self, session: Session, correlation_id: str) -> None:
        self._session = session
        self._correlation_id = correlation_id

    def _one(self, sql: str, params: tuple[Any, ...]) -> dict[str, Any] | None:
        return self._session.conn.cursor(row_factory=dict_row).execute(sql, params).fetchone()

    def begin(self, call: ExternalCall) -> LedgerEntry:
        s = self._session
        self._one(
            """
            INSERT INTO external_call_attempt (tenant_id, target_system, operation, idempotency_key, order_id,
                plan_id, task_id, request_payload, status, attempt_count, correlation_id, created_at, updated_at)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'pending', 0, %s, %s, %s)
            ON CONFLICT ON CONSTRAINT external_call_attempt_once DO NOTHING
            RETURNING id
            """,
            (
                s.tenant_id,
                call.target_system,
                call.operation,
                call.idempotency_key,
                call.order_id,
                call.plan_id,
                call.task_id,
                Jsonb(call.request),
                self._correlation_id,
                s.now,
                s.now,
            ),
        )
        row = self._one(
            f"""
            SELECT {_COLUMNS} FROM external_call_attempt
            WHERE tenant_id = %s AND target_system = %s AND operation = %s AND idempotency_key = %s
            FOR UPDATE
            """,
            (s.tenant_id, call.target_system, call.operation, call.idempotency_key),
        )
        assert row is not None  # inserted above or there before
        if CallStatus(row["status"]).is_final:
            return _entry(row)
        updated = self._one(
            f"""
            UPDATE external_call_attempt
            SET attempt_count = attempt_count + 1, status = 'pending', updated_at = %s, version = version + 1
            WHERE id = %s
            RETURNING {_COLUMNS}
            """,
            (s.now, row["id"]),
        )
        assert updated is not None
        return _entry(updated)

    def _finish(self, entry_id: int, status: CallStatus, response: Json) -> LedgerEntry:
        s = self._session
        row = self._one(
            f"""
            UPDATE external_call_attempt
            SET status = %s, response_payload = %s, completed_at = %s, updated_at = %s, version = version + 1
            WHERE id = %s AND tenant_id = %s
            RETURNING {_COLUMNS}
            """,
            (status.value, Jsonb(response), s.now, s.now, entry_id, s.tenant_id),
        )
        if row is None:
            raise LookupError(f"external call attempt {entry_id} not found")
        return _entry(row)

    def record_success(self, entry_id: int, response: Json) -> LedgerEntry:
        return self._finish(entry_id, CallStatus.SUCCEEDED, response)

    def record_rejection(self, entry_id: int, response: Json) -> LedgerEntry:
        return self._finish(entry_id, CallStatus.FAILED, response)

    def record_error(self, entry_id: int, error: str, *, status: CallStatus = CallStatus.PENDING) -> LedgerEntry:
        if status.is_final:
            raise ValueError(f"an error leaves a call pending or unknown, not {status}")
        s = self._session
        text = error if len(error) <= _MAX_ERROR_LENGTH else error[: _MAX_ERROR_LENGTH - 1] + "…"
        row = self._one(
            f"""
            UPDATE external_call_attempt
            SET status = %s, last_error = %s, updated_at = %s, version = version + 1
            WHERE id = %s AND tenant_id = %s AND status NOT IN ('succeeded', 'failed')
            RETURNING {_COLUMNS}
            """,
            (status.value, text, s.now, entry_id, s.tenant_id),
        )
        if row is None:
            raise LookupError(f"external call attempt {entry_id} not found, or answered already")
        return _entry(row)

    def find(self, target_system: str, operation: str, idempotency_key: str) -> LedgerEntry | None:
        row = self._one(
            f"""
            SELECT {_COLUMNS} FROM external_call_attempt
            WHERE tenant_id = %s AND target_system = %s AND operation = %s AND idempotency_key = %s
            """,
            (self._session.tenant_id, target_system, operation, idempotency_key),
        )
        return None if row is None else _entry(row)

    def find_by_response(self, target_system: str, name: str, value: str) -> LedgerEntry | None:
        row = self._one(
            f"""
            SELECT {_COLUMNS} FROM external_call_attempt
            WHERE tenant_id = %s AND target_system = %s AND response_payload ->> %s = %s
            ORDER BY id DESC LIMIT 1
            """,
            (self._session.tenant_id, target_system, name, value),
        )
        return None if row is None else _entry(row)

    def of_plan(self, plan_id: str, target_system: str | None = None) -> Sequence[LedgerEntry]:
        rows = (
            self._session.conn.cursor(row_factory=dict_row)
            .execute(
                f"""
                SELECT {_COLUMNS} FROM external_call_attempt
                WHERE tenant_id = %s AND plan_id = %s AND (%s::text IS NULL OR target_system = %s)
                ORDER BY id
                """,
                (self._session.tenant_id, plan_id, target_system, target_system),
            )
            .fetchall()
        )
        return [_entry(row) for row in rows]


class PostgresCallbackReceipts:
    """A callback handled by an application command is recorded like any callback (source system,
    message id derived from its id, unique per name and key), but as ``published`` at once: the
    command has done what the message would have asked for, so the relay has nothing to send."""

    def __init__(self, session: Session, correlation_id: str) -> None:
        self._session = session
        self._correlation_id = correlation_id

    def record(
        self,
        *,
        system: str,
        callback_id: str,
        correlation_key: str,
        message_name: str,
        message_id: str,
        variables: Json,
    ) -> str:
        s = self._session
        known = self._known(message_name, correlation_key, message_id)
        if known is not None:
            return known
        inserted = s.conn.execute(
            """
            INSERT INTO workflow_message_correlation (tenant_id, message_name, correlation_key, status, variables,
                correlation_id, received_at, published_at, source_system, message_id)
            VALUES (%s, %s, %s, 'published', %s, %s, %s, %s, %s, %s)
            ON CONFLICT DO NOTHING
            RETURNING id
            """,
            (
                s.tenant_id,
                message_name,
                correlation_key,
                Jsonb(variables),
                self._correlation_id,
                s.now,
                s.now,
                system,
                message_id,
            ),
        ).fetchone()
        if inserted is not None:
            return "recorded"
        return self._known(message_name, correlation_key, message_id) or "conflict"

    def _known(self, message_name: str, correlation_key: str, message_id: str) -> str | None:
        rows = self._session.conn.execute(
            """
            SELECT message_name, correlation_key, message_id FROM workflow_message_correlation
            WHERE tenant_id = %s
              AND (message_id = %s OR (message_name = %s AND correlation_key = %s AND status <> 'expected'))
            """,
            (self._session.tenant_id, message_id, message_name, correlation_key),
        ).fetchall()
        if not rows:
            return None
        same = (message_name, correlation_key, message_id)
        return "duplicate" if all(tuple(row) == same for row in rows) else "conflict"
