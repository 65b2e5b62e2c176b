"""The ``cancel_product_order`` repository (TMF622 cancel requests): one row per request, saved
optimistically. A partial unique index keeps one unfinished request per order."""

from __future__ import annotations

from typing import Any

from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from oms.application.errors import StaleVersion
from oms.application.queries.criteria import PageRequest
from oms.application.queries.order_criteria import CancellationFilter
from oms.domain.fallout.events import FalloutCaseId
from oms.domain.fulfillment.tasks import PlanId
from oms.domain.order.cancellation import CancellationOutcome, CancellationState, CancelProductOrder
from oms.domain.order.keys import CancellationRequestId
from oms.domain.shared.ids import ActorId, OrderId
from oms.persistence.errors import unique_as_conflict
from oms.persistence.session import Session, utc, utc_or_none

AGGREGATE = "cancelProductOrder"

_COLUMNS = """
    id, order_id, state, reason, requested_at, requested_by, requested_cancellation_date,
    effective_cancellation_date, outcome, outcome_reason, compensation_plan_id, fallout_case_ids, version
"""


class PostgresCancellationRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, request_id: str) -> CancelProductOrder | None:
        seen = self._session.seen.get((AGGREGATE, request_id))
        if seen is not None:
            assert isinstance(seen.aggregate, CancelProductOrder)
            return seen.aggregate
        with self._session.conn.cursor(row_factory=dict_row) as cur:
            row = cur.execute(
                f"SELECT {_COLUMNS} FROM cancel_product_order WHERE tenant_id = %s AND id = %s",
                (self._session.tenant_id, request_id),
            ).fetchone()
        return None if row is None else self._tracked(row)

    def add(self, request: CancelProductOrder) -> None:
        s = self._session
        with unique_as_conflict(AGGREGATE, request.id):
            s.conn.execute(
                f"""
                INSERT INTO cancel_product_order (tenant_id, {_COLUMNS}, updated_at)
                VALUES (%(tenant_id)s, %(id)s, %(order_id)s, %(state)s, %(reason)s, %(requested_at)s,
                    %(requested_by)s, %(requested_cancellation_date)s, %(effective_cancellation_date)s, %(outcome)s,
                    %(outcome_reason)s, %(compensation_plan_id)s, %(fallout_case_ids)s, %(version)s, %(updated_at)s)
                """,
                {**_row_values(request), "tenant_id": s.tenant_id, "updated_at": s.now},
            )
        s.track(AGGREGATE, request.id, request)

    def save(self, request: CancelProductOrder) -> None:
        s = self._session
        loaded = s.stored_version(AGGREGATE, request.id)
        if loaded is None:
            raise RuntimeError(f"cancellation {request.id!r} was not loaded in this unit of work")
        if loaded == request.version:
            return
        result = s.conn.execute(
            """
            UPDATE cancel_product_order SET state = %(state)s,
                effective_cancellation_date = %(effective_cancellation_date)s, outcome = %(outcome)s,
                outcome_reason = %(outcome_reason)s, compensation_plan_id = %(compensation_plan_id)s,
                fallout_case_ids = %(fallout_case_ids)s, updated_at = %(updated_at)s, version = %(version)s
            WHERE tenant_id = %(tenant_id)s AND id = %(id)s AND version = %(loaded)s
            """,
            {**_row_values(request), "tenant_id": s.tenant_id, "updated_at": s.now, "loaded": loaded},
        )
        if result.rowcount != 1:
            raise StaleVersion(AGGREGATE, request.id, loaded)
        s.track(AGGREGATE, request.id, request)

    def search(self, criteria: CancellationFilter, page: PageRequest) -> tuple[list[CancelProductOrder], int]:
        clauses = ["tenant_id = %(tenant_id)s"]
        params: dict[str, Any] = {"tenant_id": self._session.tenant_id}
        if criteria.order_id is not None:
            clauses.append("order_id = %(order_id)s")
            params["order_id"] = criteria.order_id
        if criteria.states:
            clauses.append("state = ANY(%(states)s)")
            params["states"] = sorted(str(state) for state in criteria.states)
        where = " AND ".join(clauses)
        with self._session.conn.cursor(row_factory=dict_row) as cur:
            total = cur.execute(f"SELECT count(*) AS total FROM cancel_product_order WHERE {where}", params).fetchone()
            rows = cur.execute(
                f"SELECT {_COLUMNS} FROM cancel_product_order WHERE {where}"
                " ORDER BY requested_at DESC, id OFFSET %(offset)s LIMIT %(limit)s",
                {**params, "offset": page.offset, "limit": page.limit},
            ).fetchall()
        assert total is not None
        return [self._tracked(row) for row in rows], int(total["total"])

    def _tracked(self, row: dict[str, Any]) -> CancelProductOrder:
        seen = self._session.seen.get((AGGREGATE, row["id"]))
        if seen is not None:
            assert isinstance(seen.aggregate, CancelProductOrder)
            return seen.aggregate
        request = _request(row)
        self._session.track(AGGREGATE, request.id, request)
        return request


def _row_values(request: CancelProductOrder) -> dict[str, Any]:
    return {
        "id": request.id,
        "order_id": request.order_id,
        "state": str(request.state),
        "reason": request.reason,
        "requested_at": request.requested_at,
        "requested_by": request.requested_by,
        "requested_cancellation_date": request.requested_cancellation_date,
        "effective_cancellation_date": request.effective_cancellation_date,
        "outcome": None if request.outcome is None else str(request.outcome),
        "outcome_reason": request.outcome_reason,
        "compensation_plan_id": request.compensation_plan_id,
        "fallout_case_ids": Jsonb(list(request.fallout_case_ids)),
        "version": request.version,
    }


def _request(row: dict[str, Any]) -> CancelProductOrder:
    return CancelProductOrder(
        id=CancellationRequestId(row["id"]),
        order_id=OrderId(row["order_id"]),
        state=CancellationState(row["state"]),
        reason=row["reason"],
        requested_at=utc(row["requested_at"]),
        requested_by=ActorId(row["requested_by"]),
        requested_cancellation_date=utc_or_none(row["requested_cancellation_date"]),
        effective_cancellation_date=utc_or_none(row["effective_cancellation_date"]),
        outcome=None if row["outcome"] is None else CancellationOutcome(row["outcome"]),
        outcome_reason=row["outcome_reason"],
        compensation_plan_id=None if row["compensation_plan_id"] is None else PlanId(row["compensation_plan_id"]),
        fallout_case_ids=tuple(FalloutCaseId(case) for case in row["fallout_case_ids"]),
        version=row["version"],
    )
