"""The approval case repository: an ``approval_case`` row (levels, the policy ladder copied at
opening, escalations) and one ``approval_decision`` row per decided level. Decisions are only ever
appended, so saving inserts the ones not stored yet; the table's unique keys repeat the domain's
rules (one decision per level, one level per approver)."""

from __future__ import annotations

from typing import Any

from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from oms.application.codecs import (
    escalation_from_dict,
    escalation_to_dict,
    ladder_level_from_dict,
    ladder_level_to_dict,
    required_level_from_dict,
    required_level_to_dict,
)
from oms.application.errors import StaleVersion
from oms.domain.approval.case import ApprovalCase, ApprovalCaseState, ApprovalDecision, DecisionOutcome
from oms.domain.shared.ids import ActorId, ApprovalCaseId, QuoteId
from oms.persistence.errors import unique_as_conflict
from oms.persistence.session import Session, utc, utc_or_none

AGGREGATE = "approvalCase"


class PostgresApprovalCaseRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._stored_decisions: dict[str, int] = {}

    def get(self, case_id: str) -> ApprovalCase | None:
        seen = self._session.seen.get((AGGREGATE, case_id))
        if seen is not None:
            assert isinstance(seen.aggregate, ApprovalCase)
            return seen.aggregate
        tenant_id = self._session.tenant_id
        with self._session.conn.cursor(row_factory=dict_row) as cur:
            row = cur.execute(
                "SELECT id, quote_id, state, levels, ladder, current_index, escalations, opened_at, closed_at,"
                " version FROM approval_case WHERE tenant_id = %s AND id = %s",
                (tenant_id, case_id),
            ).fetchone()
            if row is None:
                return None
            decisions = cur.execute(
                "SELECT level, role, approver_id, outcome, comment, decided_at, recorded_by FROM approval_decision"
                " WHERE tenant_id = %s AND case_id = %s ORDER BY level",
                (tenant_id, case_id),
            ).fetchall()
        case = _case_from_rows(row, decisions)
        self._stored_decisions[case.id] = len(case.decisions)
        self._session.track(AGGREGATE, case.id, case)
        return case

    def add(self, case: ApprovalCase) -> None:
        s = self._session
        with unique_as_conflict(AGGREGATE, case.id):
            s.conn.execute(
                """
                INSERT INTO approval_case (tenant_id, id, quote_id, state, levels, ladder, current_index,
                    escalations, opened_at, closed_at, version)
                VALUES (%(tenant_id)s, %(id)s, %(quote_id)s, %(state)s, %(levels)s, %(ladder)s,
                    %(current_index)s, %(escalations)s, %(opened_at)s, %(closed_at)s, %(version)s)
                """,
                {**_row_values(case), "tenant_id": s.tenant_id, "quote_id": case.quote_id, "opened_at": case.opened_at},
            )
        self._stored_decisions[case.id] = 0
        self._insert_new_decisions(case)
        s.track(AGGREGATE, case.id, case)

    def save(self, case: ApprovalCase) -> None:
        s = self._session
        loaded = s.stored_version(AGGREGATE, case.id)
        if loaded is None:
            raise RuntimeError(f"approval case {case.id!r} was not loaded in this unit of work")
        if loaded == case.version:
            return
        result = s.conn.execute(
            """
            UPDATE approval_case SET state = %(state)s, levels = %(levels)s, current_index = %(current_index)s,
                escalations = %(escalations)s, closed_at = %(closed_at)s, version = %(version)s
            WHERE tenant_id = %(tenant_id)s AND id = %(id)s AND version = %(loaded)s
            """,
            {**_row_values(case), "tenant_id": s.tenant_id, "loaded": loaded},
        )
        if result.rowcount != 1:
            raise StaleVersion(AGGREGATE, case.id, loaded)
        self._insert_new_decisions(case)
        s.track(AGGREGATE, case.id, case)

    def _insert_new_decisions(self, case: ApprovalCase) -> None:
        s = self._session
        new = case.decisions[self._stored_decisions[case.id] :]
        if not new:
            return
        with unique_as_conflict(AGGREGATE, case.id), s.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO approval_decision (tenant_id, case_id, level, role, approver_id, outcome, comment,"
                " decided_at, recorded_by) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        s.tenant_id,
                        case.id,
                        d.level,
                        d.role,
                        d.approver_id,
                        str(d.outcome),
                        d.comment,
                        d.decided_at,
                        d.recorded_by,
                    )
                    for d in new
                ],
            )
        self._stored_decisions[case.id] = len(case.decisions)


def _row_values(case: ApprovalCase) -> dict[str, Any]:
    return {
        "id": case.id,
        "state": str(case.state),
        "levels": Jsonb([required_level_to_dict(level) for level in case.levels]),
        "ladder": Jsonb([ladder_level_to_dict(level) for level in case.ladder]),
        "current_index": case.current_index,
        "escalations": Jsonb([escalation_to_dict(e) for e in case.escalations]),
        "closed_at": case.closed_at,
        "version": case.version,
    }


def _case_from_rows(row: dict[str, Any], decisions: list[dict[str, Any]]) -> ApprovalCase:
    return ApprovalCase(
        id=ApprovalCaseId(row["id"]),
        quote_id=QuoteId(row["quote_id"]),
        levels=tuple(required_level_from_dict(level) for level in row["levels"]),
        ladder=tuple(ladder_level_from_dict(level) for level in row["ladder"]),
        opened_at=utc(row["opened_at"]),
        state=ApprovalCaseState(row["state"]),
        current_index=row["current_index"],
        decisions=tuple(
            ApprovalDecision(
                level=d["level"],
                role=d["role"],
                approver_id=ActorId(d["approver_id"]),
                outcome=DecisionOutcome(d["outcome"]),
                comment=d["comment"],
                decided_at=utc(d["decided_at"]),
                recorded_by=ActorId(d["recorded_by"]),
            )
            for d in decisions
        ),
        escalations=tuple(escalation_from_dict(e) for e in row["escalations"]),
        closed_at=utc_or_none(row["closed_at"]),
        version=row["version"],
    )
