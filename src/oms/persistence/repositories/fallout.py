"""The ``fallout_case`` repository. A partial unique index keeps one live (open or in repair) case
per task, so a redelivered business failure cannot open a second one."""

from __future__ import annotations

from typing import Any

from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from oms.application.errors import StaleVersion
from oms.application.order_codecs import repair_from_dict, repair_to_dict
from oms.application.queries.criteria import PageRequest
from oms.application.queries.order_criteria import FalloutFilter
from oms.domain.fallout.events import FalloutCaseId
from oms.domain.fallout.lifecycle import FalloutCategory, FalloutStatus
from oms.domain.fallout.model import FalloutCase
from oms.domain.fulfillment.tasks import PlanId, TaskId
from oms.domain.shared.ids import ActorId, OrderId, OrderItemId
from oms.persistence.errors import unique_as_conflict
from oms.persistence.session import Session, utc, utc_or_none

AGGREGATE = "falloutCase"

_COLUMNS = """
    id, order_id, plan_id, task_id, item_id, category, reason, status, opened_at, opened_by, repair_data, assignee,
    repair, closed_at, close_reason, version
"""


class PostgresFalloutCaseRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, case_id: str) -> FalloutCase | None:
        seen = self._session.seen.get((AGGREGATE, case_id))
        if seen is not None:
            assert isinstance(seen.aggregate, FalloutCase)
            return seen.aggregate
        return self._one("id = %(id)s", {"id": case_id})

    def live_case_of_task(self, plan_id: str, task_id: str) -> FalloutCase | None:
        return self._one(
            "plan_id = %(plan_id)s AND task_id = %(task_id)s AND status IN ('open', 'inRepair')",
            {"plan_id": plan_id, "task_id": task_id},
        )

    def add(self, case: FalloutCase) -> None:
        s = self._session
        with unique_as_conflict(AGGREGATE, case.id):
            s.conn.execute(
                f"""
                INSERT INTO fallout_case (tenant_id, {_COLUMNS}, updated_at)
                VALUES (%(tenant_id)s, %(id)s, %(order_id)s, %(plan_id)s, %(task_id)s, %(item_id)s, %(category)s,
                    %(reason)s, %(status)s, %(opened_at)s, %(opened_by)s, %(repair_data)s, %(assignee)s, %(repair)s,
                    %(closed_at)s, %(close_reason)s, %(version)s, %(updated_at)s)
                """,
                {**_row_values(case), "tenant_id": s.tenant_id, "updated_at": s.now},
            )
        s.track(AGGREGATE, case.id, case)

    def save(self, case: FalloutCase) -> None:
        s = self._session
        loaded = s.stored_version(AGGREGATE, case.id)
        if loaded is None:
            raise RuntimeError(f"fallout case {case.id!r} was not loaded in this unit of work")
        if loaded == case.version:
            return
        result = s.conn.execute(
            """
            UPDATE fallout_case SET status = %(status)s, repair_data = %(repair_data)s, assignee = %(assignee)s,
                repair = %(repair)s, closed_at = %(closed_at)s, close_reason = %(close_reason)s,
                updated_at = %(updated_at)s, version = %(version)s
            WHERE tenant_id = %(tenant_id)s AND id = %(id)s AND version = %(loaded)s
            """,
            {**_row_values(case), "tenant_id": s.tenant_id, "updated_at": s.now, "loaded": loaded},
        )
        if result.rowcount != 1:
            raise StaleVersion(AGGREGATE, case.id, loaded)
        s.track(AGGREGATE, case.id, case)

    def search(self, criteria: FalloutFilter, page: PageRequest) -> tuple[list[FalloutCase], int]:
        clauses = ["tenant_id = %(tenant_id)s"]
        params: dict[str, Any] = {"tenant_id": self._session.tenant_id}
        if criteria.order_id is not None:
            clauses.append("order_id = %(order_id)s")
            params["order_id"] = criteria.order_id
        if criteria.statuses:
            clauses.append("status = ANY(%(statuses)s)")
            params["statuses"] = sorted(str(status) for status in criteria.statuses)
        if criteria.assignee is not None:
            clauses.append("assignee = %(assignee)s")
            params["assignee"] = criteria.assignee
        where = " AND ".join(clauses)
        with self._session.conn.cursor(row_factory=dict_row) as cur:
            total = cur.execute(f"SELECT count(*) AS total FROM fallout_case WHERE {where}", params).fetchone()
            rows = cur.execute(
                f"SELECT {_COLUMNS} FROM fallout_case WHERE {where}"
                " ORDER BY opened_at DESC, id OFFSET %(offset)s LIMIT %(limit)s",
                {**params, "offset": page.offset, "limit": page.limit},
            ).fetchall()
        assert total is not None
        return [self._tracked(row) for row in rows], int(total["total"])

    def _one(self, condition: str, params: dict[str, Any]) -> FalloutCase | None:
        with self._session.conn.cursor(row_factory=dict_row) as cur:
            row = cur.execute(
                f"SELECT {_COLUMNS} FROM fallout_case WHERE tenant_id = %(tenant_id)s AND {condition}",
                {**params, "tenant_id": self._session.tenant_id},
            ).fetchone()
        return None if row is None else self._tracked(row)

    def _tracked(self, row: dict[str, Any]) -> FalloutCase:
        seen = self._session.seen.get((AGGREGATE, row["id"]))
        if seen is not None:  # the object this transaction already works with wins over the row
            assert isinstance(seen.aggregate, FalloutCase)
            return seen.aggregate
        case = _case(row)
        self._session.track(AGGREGATE, case.id, case)
        return case


def _row_values(case: FalloutCase) -> dict[str, Any]:
    return {
        "id": case.id,
        "order_id": case.order_id,
        "plan_id": case.plan_id,
        "task_id": case.task_id,
        "item_id": case.item_id,
        "category": str(case.category),
        "reason": case.reason,
        "status": str(case.status),
        "opened_at": case.opened_at,
        "opened_by": case.opened_by,
        "repair_data": Jsonb(dict(case.repair_data)),
        "assignee": case.assignee,
        "repair": None if case.repair is None else Jsonb(repair_to_dict(case.repair)),
        "closed_at": case.closed_at,
        "close_reason": case.close_reason,
        "version": case.version,
    }


def _case(row: dict[str, Any]) -> FalloutCase:
    return FalloutCase(
        id=FalloutCaseId(row["id"]),
        order_id=OrderId(row["order_id"]),
        plan_id=PlanId(row["plan_id"]),
        task_id=TaskId(row["task_id"]),
        item_id=OrderItemId(row["item_id"]),
        category=FalloutCategory(row["category"]),
        reason=row["reason"],
        status=FalloutStatus(row["status"]),
        opened_at=utc(row["opened_at"]),
        opened_by=ActorId(row["opened_by"]),
        repair_data=row["repair_data"],
        assignee=None if row["assignee"] is None else ActorId(row["assignee"]),
        repair=None if row["repair"] is None else repair_from_dict(row["repair"]),
        closed_at=utc_or_none(row["closed_at"]),
        close_reason=row["close_reason"],
        version=row["version"],
    )
