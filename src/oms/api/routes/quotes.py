"""TMF648 ``/quote``: create, list (filters, paging, ``fields``), get, and merge-patch (content changes
while in progress, or the TMF state changes accepted/rejected/cancelled)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query
from fastapi.responses import JSONResponse

from oms.api.deps import ContextDep, FieldsDep, IdempotencyKeyDep, IfMatchDep, PageDep, ServicesDep
from oms.api.errors import bad_request
from oms.api.render.paths import QUOTE_PREFIX
from oms.api.render.quote import render_quote, render_quote_summary
from oms.api.responses import list_response, resource_response, run_write, stored
from oms.api.routes.quote_input import asks_for_discounts, configured_items, manual_discounts
from oms.api.routes.quote_states import QuoteAction, state_command
from oms.api.schemas.common import ERROR_RESPONSES
from oms.api.schemas.quote import Quote, QuoteCreate, QuoteUpdate
from oms.application.commands.quote import ChangeQuoteItems, CreateQuote, change_quote_items, create_quote
from oms.application.queries.criteria import QuoteFilter
from oms.application.queries.quotes import get_quote, list_quotes
from oms.application.runner import run_query
from oms.application.unit_of_work import UnitOfWork
from oms.domain.configuration.model import ConfiguredItem
from oms.domain.pricing.calculator import ManualDiscounts
from oms.domain.quote.lifecycle import QuoteState
from oms.domain.shared.ids import QuoteItemId

router = APIRouter(prefix=QUOTE_PREFIX, tags=["quote"], responses=ERROR_RESPONSES)
Json = dict[str, Any]
QuoteId = Annotated[str, Path(min_length=1, max_length=64)]
_PATCH_ACTIONS = {"accepted": QuoteAction.ACCEPT, "rejected": QuoteAction.REJECT, "cancelled": QuoteAction.CANCEL}


@router.post(
    "/quote",
    status_code=201,
    responses={201: {"model": Quote, "description": "Created, priced; Location = href, ETag = version"}},
)
def create(
    quote: QuoteCreate, ctx: ContextDep, services: ServicesDep, idempotency_key: IdempotencyKeyDep, fields: FieldsDep
) -> JSONResponse:
    """Configure, validate and price the items against the active catalog, and store the quote in
    progress. Every configuration problem is reported at once (422), naming item and characteristic."""
    validity = services.config.quote_validity

    def command(uow: UnitOfWork) -> Json:
        request = CreateQuote(
            customer_id=quote.customer_id(),
            items=configured_items(quote.quoteItem),
            contract_term_months=quote.contractTermMonths,
            discounts=manual_discounts(quote.quoteItem, quote.manualDiscountPercent),
            valid_until=uow.now + validity,
            description=quote.description,
            catalog_version=quote.catalogVersion,
        )
        view = create_quote(uow, request)
        return stored(render_quote(view), view.version)

    body = quote.model_dump(mode="json", by_alias=True, exclude_unset=True)
    result, replayed = run_write(
        services, ctx, key=idempotency_key, operation="POST /quote", body=body, command=command
    )
    return resource_response(result, status=201, fields=fields, created=True, replayed=replayed)


@router.get("/quote", responses={200: {"model": list[Quote], "description": "A page (206 when partial)"}})
def list_(
    ctx: ContextDep,
    services: ServicesDep,
    page: PageDep,
    fields: FieldsDep,
    state: Annotated[str | None, Query(description="comma-separated states, e.g. inProgress,pending")] = None,
    customer: Annotated[str | None, Query(alias="relatedParty.id", description="the customer's id")] = None,
    created_from: Annotated[datetime | None, Query(alias="quoteDate.gte")] = None,
    created_to: Annotated[datetime | None, Query(alias="quoteDate.lt")] = None,
) -> JSONResponse:
    """Summaries (no items: GET the quote for those), newest first; ``X-Total-Count`` counts every
    match, ``X-Result-Count`` this page."""
    criteria = QuoteFilter(_states(state), customer, created_from, created_to)
    result = run_query(services.uow_factory, ctx, lambda uow: list_quotes(uow, criteria, page))
    return list_response((render_quote_summary(s) for s in result.items), result.total, page, fields)


@router.get("/quote/{quote_id}", responses={200: {"model": Quote, "description": "The quote; ETag = version"}})
def get(quote_id: QuoteId, ctx: ContextDep, services: ServicesDep, fields: FieldsDep) -> JSONResponse:
    view = run_query(services.uow_factory, ctx, lambda uow: get_quote(uow, quote_id))
    return resource_response(stored(render_quote(view), view.version), fields=fields)


@router.patch("/quote/{quote_id}", responses={200: {"model": Quote, "description": "The changed quote"}})
def patch(
    quote_id: QuoteId,
    update: Annotated[QuoteUpdate, Body(media_type="application/merge-patch+json")],
    ctx: ContextDep,
    services: ServicesDep,
    if_match: IfMatchDep,
    fields: FieldsDep,
) -> JSONResponse:
    """Merge patch. ``quoteItem`` replaces the items and re-prices (in progress only); ``state`` moves
    the quote to accepted, rejected or cancelled (the same commands as the task resources).
    ``If-Match`` makes the change conditional on the version read (412 when it moved on)."""
    if update.state is not None:
        action = _PATCH_ACTIONS[update.state]
        result = run_write(
            services,
            ctx,
            key=None,
            operation="",
            body=None,
            command=state_command(action, quote_id, update.stateChangeReason, if_match),
        )[0]
        return resource_response(result, fields=fields)

    def command(uow: UnitOfWork) -> Json:
        current = get_quote(uow, quote_id)
        items: tuple[ConfiguredItem, ...]
        if update.quoteItem is not None:
            items = configured_items(update.quoteItem)
        else:
            items = tuple(ConfiguredItem.from_dict(item.configuration) for item in current.items)
        discounts = _discounts(update, current.price) if _asks_for_discounts(update) else None
        request = ChangeQuoteItems(quote_id, items, discounts, if_match, update.catalogVersion)
        view = change_quote_items(uow, request)
        return stored(render_quote(view), view.version)

    result = run_write(services, ctx, key=None, operation="", body=None, command=command)[0]
    return resource_response(result, fields=fields)


def _asks_for_discounts(update: QuoteUpdate) -> bool:
    return asks_for_discounts(update.quoteItem, "manualDiscountPercent" in update.model_fields_set)


def _discounts(update: QuoteUpdate, price: Json) -> ManualDiscounts:
    """As requested; without new items the item discounts already granted stay."""
    if update.quoteItem is not None:
        return manual_discounts(update.quoteItem, update.manualDiscountPercent)
    per_item = {
        QuoteItemId(item["itemId"]): Decimal(item["manualDiscountPercent"])
        for item in price["items"]
        if Decimal(item["manualDiscountPercent"]) != 0
    }
    return ManualDiscounts(per_item, update.manualDiscountPercent or Decimal(0))


def _states(raw: str | None) -> frozenset[QuoteState]:
    if not raw:
        return frozenset()
    names = [name.strip() for name in raw.split(",") if name.strip()]
    unknown = [name for name in names if name not in set(QuoteState)]
    if unknown:
        raise bad_request(
            "invalidFilter", f"unknown state(s) {', '.join(unknown)}; use {', '.join(QuoteState)}", state=unknown
        )
    return frozenset(QuoteState(name) for name in names)
