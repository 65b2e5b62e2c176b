"""The scheduler's findings (``reconciliation_finding``), in the unit of work's tenant. At most one
open finding per (kind, subject): observing it again updates it (partial unique index)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from oms.application.unit_of_work import Drift, Finding
from oms.persistence.session import Session, utc, utc_or_none

_COLUMNS = (
    "id, kind, aggregate_type, aggregate_id, process_instance_key, subject, detail, found_at, last_seen_at,"
    " repaired_at, repair, repair_error, cleared_at"
)
_MAX_ERROR_LENGTH = 2000


def _finding(row: dict[str, Any]) -> Finding:
    return Finding(
        id=row["id"],
        drift=Drift(
            kind=row["kind"],
            aggregate_type=row["aggregate_type"],
            aggregate_id=row["aggregate_id"],
            process_instance_key=row["process_instance_key"],
            subject=row["subject"],
            detail=dict(row["detail"]),
        ),
        found_at=utc(row["found_at"]),
        last_seen_at=utc(row["last_seen_at"]),
        repaired_at=utc_or_none(row["repaired_at"]),
        repair=row["repair"],
        repair_error=row["repair_error"],
        cleared_at=utc_or_none(row["cleared_at"]),
    )


class PostgresReconciliationFindings:
    def __init__(self, session: Session) -> None:
        self._session = session

    def observe(self, drift: Drift) -> Finding:
        s = self._session
        row = (
            s.conn.cursor(row_factory=dict_row)
            .execute(
                f"""
                INSERT INTO reconciliation_finding AS f (tenant_id, kind, aggregate_type, aggregate_id,
                    process_instance_key, subject, detail, found_at, last_seen_at)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
                ON CONFLICT (tenant_id, kind, subject) WHERE repaired_at IS NULL AND cleared_at IS NULL
                DO UPDATE SET detail = EXCLUDED.detail, last_seen_at = EXCLUDED.last_seen_at
                RETURNING {_COLUMNS}
                """,
                (
                    s.tenant_id,
                    drift.kind,
                    drift.aggregate_type,
                    drift.aggregate_id,
                    drift.process_instance_key,
                    drift.subject,
                    Jsonb(drift.detail),
                    s.now,
                    s.now,
                ),
            )
            .fetchone()
        )
        assert row is not None  # an insert or an update always returns the row
        return _finding(row)

    def get(self, finding_id: int) -> Finding | None:
        row = (
            self._session.conn.cursor(row_factory=dict_row)
            .execute(f"SELECT {_COLUMNS} FROM reconciliation_finding WHERE id = %s", (finding_id,))
            .fetchone()
        )
        return None if row is None else _finding(row)

    def repaired(self, finding_id: int, repair: str) -> Finding | None:
        s = self._session
        row = (
            s.conn.cursor(row_factory=dict_row)
            .execute(
                f"""
                UPDATE reconciliation_finding SET repaired_at = %s, repair = %s, repair_error = NULL
                WHERE id = %s AND repaired_at IS NULL AND cleared_at IS NULL
                RETURNING {_COLUMNS}
                """,
                (s.now, repair, finding_id),
            )
            .fetchone()
        )
        return None if row is None else _finding(row)

    def repair_failed(self, finding_id: int, error: str) -> None:
        text = error if len(error) <= _MAX_ERROR_LENGTH else error[: _MAX_ERROR_LENGTH - 1] + "…"
        self._session.conn.execute(
            "UPDATE reconciliation_finding SET repair_error = %s WHERE id = %s AND repaired_at IS NULL",
            (text, finding_id),
        )

    def clear_unseen(self, kind: str, seen_subjects: Collection[str]) -> list[int]:
        s = self._session
        rows = s.conn.execute(
            """
            UPDATE reconciliation_finding SET cleared_at = %s
            WHERE kind = %s AND repaired_at IS NULL AND cleared_at IS NULL AND NOT (subject = ANY(%s))
            RETURNING id
            """,
            (s.now, kind, list(seen_subjects)),
        ).fetchall()
        return sorted(row[0] for row in rows)

    def search(self, *, kind: str | None, aggregate_id: str | None, open_only: bool, limit: int) -> list[Finding]:
        rows = (
            self._session.conn.cursor(row_factory=dict_row)
            .execute(
                f"""
                SELECT {_COLUMNS} FROM reconciliation_finding
                WHERE (%(kind)s::text IS NULL OR kind = %(kind)s)
                  AND (%(aggregate)s::text IS NULL OR aggregate_id = %(aggregate)s)
                  AND (NOT %(open)s OR (repaired_at IS NULL AND cleared_at IS NULL))
                ORDER BY found_at DESC, id DESC
                LIMIT %(limit)s
                """,
                {"kind": kind, "aggregate": aggregate_id, "open": open_only, "limit": limit},
            )
            .fetchall()
        )
        return [_finding(row) for row in rows]
