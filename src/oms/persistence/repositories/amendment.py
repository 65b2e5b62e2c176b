"""The ``product_order_amendment`` repository: the requested changes (items as JSON, the price of
added and modified items as a breakdown snapshot) and the assessment's outcome. A partial unique
index keeps one running amendment per order, as the domain does."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from oms.application.errors import StaleVersion
from oms.application.order_codecs import item_request_from_dict, item_request_to_dict
from oms.domain.order.amendment import AmendmentApproval, ProductOrderAmendment
from oms.domain.order.keys import AmendmentRequestId
from oms.domain.order.lifecycle import AmendmentStatus
from oms.domain.pricing.snapshot import breakdown_from_dict, breakdown_to_dict
from oms.domain.shared.ids import ActorId, OrderId, OrderItemId
from oms.persistence.errors import unique_as_conflict
from oms.persistence.session import Session, utc

AGGREGATE = "productOrderAmendment"


class PostgresAmendmentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, request_id: str) -> ProductOrderAmendment | None:
        seen = self._session.seen.get((AGGREGATE, request_id))
        if seen is not None:
            assert isinstance(seen.aggregate, ProductOrderAmendment)
            return seen.aggregate
        with self._session.conn.cursor(row_factory=dict_row) as cur:
            row = cur.execute(
                "SELECT id, order_id, status, requested_at, requested_by, add_items, modify_items, remove_items,"
                " price, reasons, approval_required, approval, version"
                " FROM product_order_amendment WHERE tenant_id = %s AND id = %s",
                (self._session.tenant_id, request_id),
            ).fetchone()
        if row is None:
            return None
        amendment = ProductOrderAmendment(
            id=AmendmentRequestId(row["id"]),
            order_id=OrderId(row["order_id"]),
            status=AmendmentStatus(row["status"]),
            requested_at=utc(row["requested_at"]),
            requested_by=ActorId(row["requested_by"]),
            add=tuple(item_request_from_dict(item) for item in row["add_items"]),
            modify=tuple(item_request_from_dict(item) for item in row["modify_items"]),
            remove=tuple(OrderItemId(item_id) for item_id in row["remove_items"]),
            price=None if row["price"] is None else breakdown_from_dict(row["price"]),
            reasons=tuple(row["reasons"]),
            approval_required=row["approval_required"],
            approval=None if row["approval"] is None else _approval_from_dict(row["approval"]),
            version=row["version"],
        )
        self._session.track(AGGREGATE, amendment.id, amendment)
        return amendment

    def add(self, amendment: ProductOrderAmendment) -> None:
        s = self._session
        with unique_as_conflict(AGGREGATE, amendment.id):
            s.conn.execute(
                """
                INSERT INTO product_order_amendment (tenant_id, id, order_id, status, requested_at, requested_by,
                    add_items, modify_items, remove_items, price, reasons, approval_required, approval,
                    updated_at, version)
                VALUES (%(tenant_id)s, %(id)s, %(order_id)s, %(status)s, %(requested_at)s, %(requested_by)s,
                    %(add_items)s, %(modify_items)s, %(remove_items)s, %(price)s, %(reasons)s,
                    %(approval_required)s, %(approval)s, %(updated_at)s, %(version)s)
                """,
                {
                    **_row_values(amendment),
                    "tenant_id": s.tenant_id,
                    "order_id": amendment.order_id,
                    "requested_at": amendment.requested_at,
                    "requested_by": amendment.requested_by,
                    "add_items": Jsonb([item_request_to_dict(item) for item in amendment.add]),
                    "modify_items": Jsonb([item_request_to_dict(item) for item in amendment.modify]),
                    "remove_items": Jsonb(list(amendment.remove)),
                    "price": None if amendment.price is None else Jsonb(breakdown_to_dict(amendment.price)),
                    "updated_at": s.now,
                },
            )
        s.track(AGGREGATE, amendment.id, amendment)

    def save(self, amendment: ProductOrderAmendment) -> None:
        s = self._session
        loaded = s.stored_version(AGGREGATE, amendment.id)
        if loaded is None:
            raise RuntimeError(f"amendment {amendment.id!r} was not loaded in this unit of work")
        if loaded == amendment.version:
            return
        # The requested changes never change after the request; only the outcome does.
        result = s.conn.execute(
            """
            UPDATE product_order_amendment SET status = %(status)s, reasons = %(reasons)s,
                approval_required = %(approval_required)s, approval = %(approval)s,
                updated_at = %(updated_at)s, version = %(version)s
            WHERE tenant_id = %(tenant_id)s AND id = %(id)s AND version = %(loaded)s
            """,
            {**_row_values(amendment), "tenant_id": s.tenant_id, "updated_at": s.now, "loaded": loaded},
        )
        if result.rowcount != 1:
            raise StaleVersion(AGGREGATE, amendment.id, loaded)
        s.track(AGGREGATE, amendment.id, amendment)


def _row_values(amendment: ProductOrderAmendment) -> dict[str, Any]:
    return {
        "id": amendment.id,
        "status": str(amendment.status),
        "reasons": Jsonb(list(amendment.reasons)),
        "approval_required": amendment.approval_required,
        "approval": None if amendment.approval is None else Jsonb(_approval_to_dict(amendment.approval)),
        "version": amendment.version,
    }


def _approval_to_dict(approval: AmendmentApproval) -> dict[str, Any]:
    return {
        "approved": approval.approved,
        "decidedBy": approval.decided_by,
        "decidedAt": approval.decided_at.isoformat(),
        "comment": approval.comment,
    }


def _approval_from_dict(data: dict[str, Any]) -> AmendmentApproval:
    return AmendmentApproval(
        approved=bool(data["approved"]),
        decided_by=ActorId(data["decidedBy"]),
        decided_at=utc(datetime.fromisoformat(data["decidedAt"])),
        comment=str(data.get("comment", "")),
    )
