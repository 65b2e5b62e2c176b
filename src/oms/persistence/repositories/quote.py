"""The quote repository: a ``quote`` row plus one ``quote_item`` row per top-level item, holding the
item's configuration and its price snapshot. The quote row holds the rest of the breakdown (quote
lines, totals, catalog version) as ``price_summary``; loading joins them back and the domain checks
that the totals still add up (``breakdown_from_dict``).

Saving is optimistic: ``UPDATE … WHERE version = <the version loaded>``; no row means someone else
saved first, and the command fails with ``StaleVersion`` instead of overwriting their change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from oms.application.codecs import (
    authorization_from_dict,
    authorization_to_dict,
    requirement_from_dict,
    requirement_to_dict,
)
from oms.application.errors import StaleVersion
from oms.application.queries.criteria import PageRequest, QuoteFilter
from oms.application.views import QuoteSummary
from oms.domain.configuration.model import ConfiguredItem
from oms.domain.pricing.snapshot import breakdown_from_dict, breakdown_to_dict, item_price_to_dict
from oms.domain.quote.items import QuoteItem
from oms.domain.quote.lifecycle import QuoteState
from oms.domain.quote.model import Quote
from oms.domain.shared.ids import ApprovalCaseId, CustomerId, QuoteId
from oms.domain.shared.money import Money
from oms.domain.shared.time import TimePeriod
from oms.persistence.errors import unique_as_conflict
from oms.persistence.session import Session, utc, utc_or_none

AGGREGATE = "quote"
_FINAL = tuple(str(state) for state in QuoteState if state.is_final)

_COLUMNS = """
    id, customer_id, state, quote_version, previous_quote_id, superseded_by, description, valid_from,
    valid_until, contract_term_months, price_summary, approval_case_id, approval_requirement,
    authorizations, created_at, submitted_at, completed_at, version
"""


class PostgresQuoteRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        # The items each quote had when loaded or last written: item rows are rewritten only when
        # a command replaced the items (change_items), not on every state change.
        self._stored_items: dict[str, tuple[QuoteItem, ...]] = {}

    def get(self, quote_id: str) -> Quote | None:
        seen = self._session.seen.get((AGGREGATE, quote_id))
        if seen is not None:  # one object per quote per transaction (identity map)
            assert isinstance(seen.aggregate, Quote)
            return seen.aggregate
        with self._session.conn.cursor(row_factory=dict_row) as cur:
            row = cur.execute(
                f"SELECT {_COLUMNS} FROM quote WHERE tenant_id = %s AND id = %s",
                (self._session.tenant_id, quote_id),
            ).fetchone()
            if row is None:
                return None
            items = cur.execute(
                "SELECT configuration, price_snapshot FROM quote_item"
                " WHERE tenant_id = %s AND quote_id = %s ORDER BY position",
                (self._session.tenant_id, quote_id),
            ).fetchall()
        quote = _quote_from_rows(row, items)
        self._stored_items[quote.id] = quote.items
        self._session.track(AGGREGATE, quote.id, quote)
        return quote

    def add(self, quote: Quote) -> None:
        s = self._session
        values = _row_values(quote, s.now)
        with unique_as_conflict(AGGREGATE, quote.id):
            s.conn.execute(
                """
                INSERT INTO quote (tenant_id, id, customer_id, state, quote_version, previous_quote_id,
                    superseded_by, description, valid_from, valid_until, contract_term_months, currency,
                    catalog_version, one_time_total, recurring_monthly_total, price_summary, approval_case_id,
                    approval_requirement, authorizations, created_by, created_at, submitted_at, completed_at,
                    updated_at, version)
                VALUES (%(tenant_id)s, %(id)s, %(customer_id)s, %(state)s, %(quote_version)s,
                    %(previous_quote_id)s, %(superseded_by)s, %(description)s, %(valid_from)s, %(valid_until)s,
                    %(contract_term_months)s, %(currency)s, %(catalog_version)s, %(one_time_total)s,
                    %(recurring_monthly_total)s, %(price_summary)s, %(approval_case_id)s,
                    %(approval_requirement)s, %(authorizations)s, %(created_by)s, %(created_at)s,
                    %(submitted_at)s, %(completed_at)s, %(updated_at)s, %(version)s)
                """,
                {**values, "tenant_id": s.tenant_id, "created_by": s.actor_id, "created_at": quote.created_at},
            )
        self._insert_items(quote)
        s.track(AGGREGATE, quote.id, quote)

    def save(self, quote: Quote) -> None:
        s = self._session
        loaded = s.stored_version(AGGREGATE, quote.id)
        if loaded is None:
            raise RuntimeError(f"quote {quote.id!r} was not loaded in this unit of work; load it before saving")
        if loaded == quote.version:
            return  # nothing changed
        result = s.conn.execute(
            """
            UPDATE quote SET state = %(state)s, superseded_by = %(superseded_by)s,
                description = %(description)s, valid_until = %(valid_until)s, currency = %(currency)s,
                catalog_version = %(catalog_version)s, one_time_total = %(one_time_total)s,
                recurring_monthly_total = %(recurring_monthly_total)s, price_summary = %(price_summary)s,
                approval_case_id = %(approval_case_id)s, approval_requirement = %(approval_requirement)s,
                authorizations = %(authorizations)s, submitted_at = %(submitted_at)s,
                completed_at = %(completed_at)s, updated_at = %(updated_at)s, version = %(version)s
            WHERE tenant_id = %(tenant_id)s AND id = %(id)s AND version = %(loaded)s
            """,
            {**_row_values(quote, s.now), "tenant_id": s.tenant_id, "loaded": loaded},
        )
        if result.rowcount != 1:
            raise StaleVersion(AGGREGATE, quote.id, loaded)
        if self._stored_items.get(quote.id) is not quote.items:
            s.conn.execute("DELETE FROM quote_item WHERE tenant_id = %s AND quote_id = %s", (s.tenant_id, quote.id))
            self._insert_items(quote)
        s.track(AGGREGATE, quote.id, quote)

    def search(self, criteria: QuoteFilter, page: PageRequest) -> tuple[list[QuoteSummary], int]:
        where, params = _where(self._session.tenant_id, criteria)
        with self._session.conn.cursor(row_factory=dict_row) as cur:
            total_row = cur.execute(f"SELECT count(*) AS total FROM quote WHERE {where}", params).fetchone()
            rows = cur.execute(
                f"""
                SELECT id, version, quote_version, state, customer_id, created_at, valid_until, currency,
                    one_time_total, recurring_monthly_total
                FROM quote WHERE {where}
                ORDER BY created_at DESC, id
                OFFSET %(offset)s LIMIT %(limit)s
                """,
                {**params, "offset": page.offset, "limit": page.limit},
            ).fetchall()
        assert total_row is not None
        return [_summary(row) for row in rows], int(total_row["total"])

    def due_for_expiry(self, now: datetime, limit: int) -> list[QuoteId]:
        rows = self._session.conn.execute(
            "SELECT id FROM quote WHERE tenant_id = %s AND state <> ALL(%s) AND valid_until <= %s"
            " ORDER BY valid_until, id LIMIT %s",
            (self._session.tenant_id, list(_FINAL), now, limit),
        ).fetchall()
        return [QuoteId(row[0]) for row in rows]

    def _insert_items(self, quote: Quote) -> None:
        s = self._session
        with s.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO quote_item (tenant_id, quote_id, id, position, offering_id, quantity,"
                " configuration, price_snapshot) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        s.tenant_id,
                        quote.id,
                        item.id,
                        position,
                        item.offering_id,
                        item.configuration.quantity,
                        Jsonb(item.configuration.to_dict()),
                        Jsonb(item_price_to_dict(item.price)),
                    )
                    for position, item in enumerate(quote.items)
                ],
            )
        self._stored_items[quote.id] = quote.items


def _row_values(quote: Quote, now: datetime) -> dict[str, Any]:
    summary = breakdown_to_dict(quote.price)
    del summary["items"]  # they live in quote_item, one row each
    totals = quote.price.totals
    return {
        "id": quote.id,
        "customer_id": quote.customer_id,
        "state": str(quote.state),
        "quote_version": quote.quote_version,
        "previous_quote_id": quote.previous_quote_id,
        "superseded_by": quote.superseded_by,
        "description": quote.description,
        "valid_from": quote.valid_for.start,
        "valid_until": quote.valid_until,
        "contract_term_months": quote.contract_term_months,
        "currency": quote.price.currency,
        "catalog_version": quote.price.catalog_version,
        "one_time_total": totals.one_time.amount,
        "recurring_monthly_total": totals.recurring_monthly.amount,
        "price_summary": Jsonb(summary),
        "approval_case_id": quote.approval_case_id,
        "approval_requirement": None
        if quote.approval_requirement is None
        else Jsonb(requirement_to_dict(quote.approval_requirement)),
        "authorizations": Jsonb([authorization_to_dict(a) for a in quote.authorizations]),
        "submitted_at": quote.submitted_at,
        "completed_at": quote.completed_at,
        "updated_at": now,
        "version": quote.version,
    }


def _quote_from_rows(row: dict[str, Any], items: list[dict[str, Any]]) -> Quote:
    price = breakdown_from_dict({**row["price_summary"], "items": [item["price_snapshot"] for item in items]})
    quote = Quote(
        id=QuoteId(row["id"]),
        customer_id=CustomerId(row["customer_id"]),
        state=QuoteState(row["state"]),
        items=tuple(ConfiguredItem.from_dict(item["configuration"]) for item in items),
        price=price,
        valid_for=TimePeriod(utc(row["valid_from"]), utc(row["valid_until"])),
        contract_term_months=row["contract_term_months"],
        created_at=utc(row["created_at"]),
        quote_version=row["quote_version"],
        previous_quote_id=row["previous_quote_id"],
        submitted_at=utc_or_none(row["submitted_at"]),
        approval_case_id=None if row["approval_case_id"] is None else ApprovalCaseId(row["approval_case_id"]),
        approval_requirement=None
        if row["approval_requirement"] is None
        else requirement_from_dict(row["approval_requirement"]),
        authorizations=tuple(authorization_from_dict(a) for a in row["authorizations"]),
        completed_at=utc_or_none(row["completed_at"]),
        superseded_by=row["superseded_by"],
        description=row["description"],
        version=row["version"],
    )
    return quote


def _summary(row: dict[str, Any]) -> QuoteSummary:
    currency = row["currency"]
    return QuoteSummary(
        id=row["id"],
        version=row["version"],
        quote_version=row["quote_version"],
        state=row["state"],
        customer_id=row["customer_id"],
        created_at=utc(row["created_at"]),
        valid_until=utc(row["valid_until"]),
        one_time_total=Money(row["one_time_total"], currency),
        recurring_monthly_total=Money(row["recurring_monthly_total"], currency),
    )


def _where(tenant_id: str, criteria: QuoteFilter) -> tuple[str, dict[str, Any]]:
    clauses = ["tenant_id = %(tenant_id)s"]
    params: dict[str, Any] = {"tenant_id": tenant_id}
    if criteria.states:
        clauses.append("state = ANY(%(states)s)")
        params["states"] = sorted(str(state) for state in criteria.states)
    if criteria.customer_id is not None:
        clauses.append("customer_id = %(customer_id)s")
        params["customer_id"] = criteria.customer_id
    if criteria.created_from is not None:
        clauses.append("created_at >= %(created_from)s")
        params["created_from"] = criteria.created_from
    if criteria.created_to is not None:
        clauses.append("created_at < %(created_to)s")
        params["created_to"] = criteria.created_to
    return " AND ".join(clauses), params
