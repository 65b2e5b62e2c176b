"""The product order repository: a ``product_order`` row plus one ``product_order_item`` row per
item (flat: bundle children point at their bundle item). The header, order-level price lines,
rejection reasons and fallout holds are jsonb on the order row; each item keeps its own price
snapshot. Totals are also columns, for lists.

Saving is optimistic (``UPDATE … WHERE version = <loaded>``). Items are rewritten only when a
command replaced them, which most order commands do (an item's state moves with the order's)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from oms.application.errors import StaleVersion
from oms.application.order_codecs import (
    characteristics_from_json,
    characteristics_to_json,
    header_from_dict,
    header_to_dict,
    hold_from_dict,
    hold_to_dict,
    price_line_from_dict,
    price_line_to_dict,
    reason_from_dict,
    reason_to_dict,
)
from oms.application.order_views import OrderSummary
from oms.application.queries.criteria import PageRequest
from oms.application.queries.order_criteria import OrderFilter
from oms.domain.order.consistency import ExistingProduct
from oms.domain.order.items import ItemAction, ProductOrderItem
from oms.domain.order.keys import AmendmentRequestId, CancellationRequestId
from oms.domain.order.lifecycle import AmendmentStatus, FalloutStatus, ItemState, OrderState
from oms.domain.order.model import ProductOrder
from oms.domain.pricing.snapshot import item_price_from_dict, item_price_to_dict
from oms.domain.shared.ids import OfferingId, OrderId, OrderItemId, ProductId, QuoteItemId, SpecificationId
from oms.domain.shared.money import Money
from oms.persistence.errors import unique_as_conflict
from oms.persistence.session import Session, utc, utc_or_none

AGGREGATE = "productOrder"

_COLUMNS = """
    id, state, order_date, header, currency, order_lines, rejection_reasons, completion_date, cancellation_date,
    cancellation_reason, resume_state, fallout_holds, amendment_status, amendment_request_id,
    cancellation_request_id, supplements_order_id, version
"""
_ITEM_COLUMNS = """
    id, action, state, offering_id, specification_id, characteristics, quantity, product_id, price, quote_item_id,
    parent_item_id, resume_state
"""


class PostgresOrderRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._stored_items: dict[str, tuple[ProductOrderItem, ...]] = {}

    def get(self, order_id: str) -> ProductOrder | None:
        seen = self._session.seen.get((AGGREGATE, order_id))
        if seen is not None:  # one object per order per transaction (identity map)
            assert isinstance(seen.aggregate, ProductOrder)
            return seen.aggregate
        with self._session.conn.cursor(row_factory=dict_row) as cur:
            row = cur.execute(
                f"SELECT {_COLUMNS} FROM product_order WHERE tenant_id = %s AND id = %s",
                (self._session.tenant_id, order_id),
            ).fetchone()
            if row is None:
                return None
            items = cur.execute(
                f"SELECT {_ITEM_COLUMNS} FROM product_order_item WHERE tenant_id = %s AND order_id = %s"
                " ORDER BY position",
                (self._session.tenant_id, order_id),
            ).fetchall()
        order = _order_from_rows(row, items)
        self._stored_items[order.id] = order.items
        self._session.track(AGGREGATE, order.id, order)
        return order

    def add(self, order: ProductOrder) -> None:
        s = self._session
        with unique_as_conflict(AGGREGATE, order.id):
            s.conn.execute(
                """
                INSERT INTO product_order (tenant_id, id, state, order_date, header, quote_id, external_id, currency,
                    one_time_total, recurring_monthly_total, order_lines, rejection_reasons, completion_date,
                    cancellation_date, cancellation_reason, resume_state, fallout_holds, amendment_status,
                    amendment_request_id, cancellation_request_id, supplements_order_id, created_by, updated_at,
                    version)
                VALUES (%(tenant_id)s, %(id)s, %(state)s, %(order_date)s, %(header)s, %(quote_id)s, %(external_id)s,
                    %(currency)s, %(one_time_total)s, %(recurring_monthly_total)s, %(order_lines)s,
                    %(rejection_reasons)s, %(completion_date)s, %(cancellation_date)s, %(cancellation_reason)s,
                    %(resume_state)s, %(fallout_holds)s, %(amendment_status)s, %(amendment_request_id)s,
                    %(cancellation_request_id)s, %(supplements_order_id)s, %(created_by)s, %(updated_at)s,
                    %(version)s)
                """,
                {**_row_values(order, s.now), "tenant_id": s.tenant_id, "created_by": s.actor_id},
            )
        self._insert_items(order)
        s.track(AGGREGATE, order.id, order)

    def save(self, order: ProductOrder) -> None:
        s = self._session
        loaded = s.stored_version(AGGREGATE, order.id)
        if loaded is None:
            raise RuntimeError(f"order {order.id!r} was not loaded in this unit of work; load it before saving")
        if loaded == order.version:
            return  # nothing changed
        result = s.conn.execute(
            """
            UPDATE product_order SET state = %(state)s, currency = %(currency)s,
                one_time_total = %(one_time_total)s, recurring_monthly_total = %(recurring_monthly_total)s,
                order_lines = %(order_lines)s, rejection_reasons = %(rejection_reasons)s,
                completion_date = %(completion_date)s, cancellation_date = %(cancellation_date)s,
                cancellation_reason = %(cancellation_reason)s, resume_state = %(resume_state)s,
                fallout_holds = %(fallout_holds)s, amendment_status = %(amendment_status)s,
                amendment_request_id = %(amendment_request_id)s, cancellation_request_id = %(cancellation_request_id)s,
                updated_at = %(updated_at)s, version = %(version)s
            WHERE tenant_id = %(tenant_id)s AND id = %(id)s AND version = %(loaded)s
            """,
            {**_row_values(order, s.now), "tenant_id": s.tenant_id, "loaded": loaded},
        )
        if result.rowcount != 1:
            raise StaleVersion(AGGREGATE, order.id, loaded)
        if self._stored_items.get(order.id) is not order.items:
            s.conn.execute(
                "DELETE FROM product_order_item WHERE tenant_id = %s AND order_id = %s", (s.tenant_id, order.id)
            )
            self._insert_items(order)
        s.track(AGGREGATE, order.id, order)

    def search(self, criteria: OrderFilter, page: PageRequest) -> tuple[list[OrderSummary], int]:
        where, params = _where(self._session.tenant_id, criteria)
        with self._session.conn.cursor(row_factory=dict_row) as cur:
            total_row = cur.execute(f"SELECT count(*) AS total FROM product_order o WHERE {where}", params).fetchone()
            rows = cur.execute(
                f"""
                SELECT o.id, o.version, o.state, o.order_date, o.completion_date, o.external_id, o.quote_id,
                    o.currency, o.one_time_total, o.recurring_monthly_total, o.fallout_holds,
                    o.supplements_order_id,
                    (SELECT count(*) FROM product_order_item i
                     WHERE i.tenant_id = o.tenant_id AND i.order_id = o.id) AS item_count
                FROM product_order o WHERE {where}
                ORDER BY o.order_date DESC, o.id
                OFFSET %(offset)s LIMIT %(limit)s
                """,
                {**params, "offset": page.offset, "limit": page.limit},
            ).fetchall()
        assert total_row is not None
        return [_summary(row) for row in rows], int(total_row["total"])

    def delivered_products(self, product_ids: Collection[str]) -> list[ExistingProduct]:
        if not product_ids:
            return []
        rows = self._session.conn.execute(
            """
            SELECT i.product_id, i.offering_id, o.header
            FROM product_order_item i
            JOIN product_order o ON o.tenant_id = i.tenant_id AND o.id = i.order_id
            WHERE i.tenant_id = %(tenant_id)s AND i.product_id = ANY(%(ids)s)
              AND i.action = 'add' AND i.state = 'completed'
              AND NOT EXISTS (
                  SELECT FROM product_order_item d
                  WHERE d.tenant_id = i.tenant_id AND d.product_id = i.product_id
                    AND d.action = 'delete' AND d.state = 'completed')
            ORDER BY i.product_id
            """,
            {"tenant_id": self._session.tenant_id, "ids": sorted(set(product_ids))},
        ).fetchall()
        return [
            ExistingProduct(ProductId(product_id), OfferingId(offering_id), next(iter(_customers(header)), None))
            for product_id, offering_id, header in rows
        ]

    def _insert_items(self, order: ProductOrder) -> None:
        s = self._session
        with s.conn.cursor() as cur:
            cur.executemany(
                f"""
                INSERT INTO product_order_item (tenant_id, order_id, position, {_ITEM_COLUMNS})
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                """,
                [
                    (
                        s.tenant_id,
                        order.id,
                        position,
                        item.item_id,
                        str(item.action),
                        str(item.state),
                        item.offering_id,
                        item.specification_id,
                        Jsonb(characteristics_to_json(item.characteristics)),
                        item.quantity,
                        item.product_id,
                        None if item.price is None else Jsonb(item_price_to_dict(item.price)),
                        item.quote_item_id,
                        item.parent_item_id,
                        None if item.resume_state is None else str(item.resume_state),
                    )
                    for position, item in enumerate(order.items)
                ],
            )
        self._stored_items[order.id] = order.items


def _customers(header: dict[str, Any]) -> tuple[str, ...]:
    return header_from_dict(header).customer_ids


def _row_values(order: ProductOrder, now: datetime) -> dict[str, Any]:
    totals = order.totals
    return {
        "id": order.id,
        "state": str(order.state),
        "order_date": order.order_date,
        "header": Jsonb(header_to_dict(order.header)),
        "quote_id": order.header.quote_id,
        "external_id": order.header.external_id,
        "currency": order.currency,
        "one_time_total": None if totals is None else totals.one_time.amount,
        "recurring_monthly_total": None if totals is None else totals.recurring_monthly.amount,
        "order_lines": Jsonb([price_line_to_dict(line) for line in order.order_lines]),
        "rejection_reasons": Jsonb([reason_to_dict(r) for r in order.rejection_reasons]),
        "completion_date": order.completion_date,
        "cancellation_date": order.cancellation_date,
        "cancellation_reason": order.cancellation_reason,
        "resume_state": None if order.resume_state is None else str(order.resume_state),
        "fallout_holds": Jsonb([hold_to_dict(hold) for hold in order.fallout_holds]),
        "amendment_status": None if order.amendment_status is None else str(order.amendment_status),
        "amendment_request_id": order.amendment_request_id,
        "cancellation_request_id": order.cancellation_request_id,
        "supplements_order_id": order.supplements_order_id,
        "updated_at": now,
        "version": order.version,
    }


def _order_from_rows(row: dict[str, Any], items: list[dict[str, Any]]) -> ProductOrder:
    return ProductOrder(
        id=OrderId(row["id"]),
        state=OrderState(row["state"]),
        items=tuple(_item(item) for item in items),
        order_date=utc(row["order_date"]),
        header=header_from_dict(row["header"]),
        currency=row["currency"],
        order_lines=tuple(price_line_from_dict(line) for line in row["order_lines"]),
        rejection_reasons=tuple(reason_from_dict(r) for r in row["rejection_reasons"]),
        completion_date=utc_or_none(row["completion_date"]),
        cancellation_date=utc_or_none(row["cancellation_date"]),
        cancellation_reason=row["cancellation_reason"],
        resume_state=None if row["resume_state"] is None else OrderState(row["resume_state"]),
        fallout_holds=tuple(hold_from_dict(hold) for hold in row["fallout_holds"]),
        amendment_status=None if row["amendment_status"] is None else AmendmentStatus(row["amendment_status"]),
        amendment_request_id=None
        if row["amendment_request_id"] is None
        else AmendmentRequestId(row["amendment_request_id"]),
        cancellation_request_id=None
        if row["cancellation_request_id"] is None
        else CancellationRequestId(row["cancellation_request_id"]),
        supplements_order_id=None if row["supplements_order_id"] is None else OrderId(row["supplements_order_id"]),
        version=row["version"],
    )


def _item(row: dict[str, Any]) -> ProductOrderItem:
    return ProductOrderItem(
        item_id=OrderItemId(row["id"]),
        action=ItemAction(row["action"]),
        offering_id=None if row["offering_id"] is None else OfferingId(row["offering_id"]),
        state=ItemState(row["state"]),
        specification_id=None if row["specification_id"] is None else SpecificationId(row["specification_id"]),
        characteristics=characteristics_from_json(row["characteristics"]),
        quantity=row["quantity"],
        product_id=None if row["product_id"] is None else ProductId(row["product_id"]),
        price=None if row["price"] is None else item_price_from_dict(row["price"]),
        quote_item_id=None if row["quote_item_id"] is None else QuoteItemId(row["quote_item_id"]),
        parent_item_id=None if row["parent_item_id"] is None else OrderItemId(row["parent_item_id"]),
        resume_state=None if row["resume_state"] is None else ItemState(row["resume_state"]),
    )


def _summary(row: dict[str, Any]) -> OrderSummary:
    currency = row["currency"]
    return OrderSummary(
        id=row["id"],
        version=row["version"],
        state=row["state"],
        order_date=utc(row["order_date"]),
        completion_date=utc_or_none(row["completion_date"]),
        external_id=row["external_id"],
        quote_id=row["quote_id"],
        currency=currency,
        one_time_total=None if currency is None else Money(row["one_time_total"], currency),
        recurring_monthly_total=None if currency is None else Money(row["recurring_monthly_total"], currency),
        item_count=int(row["item_count"]),
        fallout_status=str(FalloutStatus.IN_FALLOUT if row["fallout_holds"] else FalloutStatus.NONE),
        supplements_order_id=row["supplements_order_id"],
    )


def _where(tenant_id: str, criteria: OrderFilter) -> tuple[str, dict[str, Any]]:
    clauses = ["o.tenant_id = %(tenant_id)s"]
    params: dict[str, Any] = {"tenant_id": tenant_id}
    if criteria.ids:
        clauses.append("o.id = ANY(%(ids)s)")
        params["ids"] = sorted(criteria.ids)
    if criteria.states:
        clauses.append("o.state = ANY(%(states)s)")
        params["states"] = sorted(str(state) for state in criteria.states)
    if criteria.order_date_from is not None:
        clauses.append("o.order_date >= %(order_date_from)s")
        params["order_date_from"] = criteria.order_date_from
    if criteria.order_date_to is not None:
        clauses.append("o.order_date < %(order_date_to)s")
        params["order_date_to"] = criteria.order_date_to
    if criteria.external_id is not None:
        clauses.append("o.external_id = %(external_id)s")
        params["external_id"] = criteria.external_id
    if criteria.quote_id is not None:
        clauses.append("o.quote_id = %(quote_id)s")
        params["quote_id"] = criteria.quote_id
    return " AND ".join(clauses), params
