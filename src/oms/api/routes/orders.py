"""TMF622 ``/productOrder``: create (from an accepted quote or priced now), list (filters, paging,
``fields``), get, and amend by merge patch of ``productOrderItem``.

Status codes (docs/api-order.md): a created order is 201 whether it was acknowledged or rejected
(the order exists, with ``@oms.rejectionReason``). An amendment is 202: it is assessed and applied
by the amendment workflow, and ``@oms.amendmentStatus`` tells how it went. A change of a completed
order places a supplemental order instead: 201, ``Location`` is the new order."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime

from oms.api.deps import ContextDep, FieldsDep, IdempotencyKeyDep, IfMatchDep, PageDep, ServicesDep
from oms.api.errors import bad_request
from oms.api.render.order import render_order, render_order_summary
from oms.api.render.paths import ORDER_PREFIX
from oms.api.responses import list_response, resource_response, run_write, stored
from oms.api.routes.order_input import amendment_of, place_order_command
from oms.api.schemas.common import ERROR_RESPONSES
from oms.api.schemas.order import ProductOrder, ProductOrderAmend, ProductOrderCreate
from oms.application.commands.amendment import request_amendment
from oms.application.commands.order import place_order
from oms.application.order_views import SUPPLEMENTAL_ORDER
from oms.application.queries.order_criteria import MAX_IDS, OrderFilter
from oms.application.queries.orders import get_order, list_orders
from oms.application.runner import run_query
from oms.application.unit_of_work import UnitOfWork
from oms.domain.order.lifecycle import OrderState

router = APIRouter(prefix=ORDER_PREFIX, tags=["productOrder"], responses=ERROR_RESPONSES)
Json = dict[str, Any]
OrderId = Annotated[str, Path(min_length=1, max_length=64)]
# PostgreSQL keeps microseconds: "after t" is "from t + 1 µs", "at t" is [t, t + 1 µs).
_TICK = timedelta(microseconds=1)


@router.post(
    "/productOrder",
    status_code=201,
    responses={201: {"model": ProductOrder, "description": "Created (acknowledged or rejected); Location = href"}},
)
def create(
    order: ProductOrderCreate,
    ctx: ContextDep,
    services: ServicesDep,
    idempotency_key: IdempotencyKeyDep,
    fields: FieldsDep,
) -> JSONResponse:
    """Check the order and create it ``acknowledged`` (its fulfillment starts), or ``rejected``
    with every reason in ``@oms.rejectionReason``: both are 201, the order exists either way.
    Items are priced now against the active catalog; with a ``quote`` reference, by the accepted
    quote (and without ``productOrderItem``, the order takes every item of the quote)."""

    def command(uow: UnitOfWork) -> Json:
        view = place_order(uow, place_order_command(order))
        return stored(render_order(view), view.version)

    body = order.model_dump(mode="json", by_alias=True, exclude_unset=True)
    result, replayed = run_write(
        services, ctx, key=idempotency_key, operation="POST /productOrder", body=body, command=command
    )
    return resource_response(result, status=201, fields=fields, created=True, replayed=replayed)


@router.get("/productOrder", responses={200: {"model": list[ProductOrder], "description": "A page (206 when partial)"}})
def list_(
    ctx: ContextDep,
    services: ServicesDep,
    page: PageDep,
    fields: FieldsDep,
    id_: Annotated[str | None, Query(alias="id", description="comma-separated order ids")] = None,
    state: Annotated[str | None, Query(description="comma-separated states, e.g. acknowledged,inProgress")] = None,
    external_id: Annotated[str | None, Query(alias="externalId")] = None,
    quote_id: Annotated[str | None, Query(alias="quote.id")] = None,
    order_date: Annotated[AwareDatetime | None, Query(alias="orderDate", description="exactly at")] = None,
    after: Annotated[AwareDatetime | None, Query(alias="orderDate.gt")] = None,
    from_: Annotated[AwareDatetime | None, Query(alias="orderDate.gte")] = None,
    before: Annotated[AwareDatetime | None, Query(alias="orderDate.lt")] = None,
    until: Annotated[AwareDatetime | None, Query(alias="orderDate.lte")] = None,
) -> JSONResponse:
    """Summaries (no items: GET the order for those), newest first. Dates need a time zone
    (``Z`` or an offset; a ``+`` must be sent as ``%2B``)."""
    lower = _latest(order_date, from_, None if after is None else after + _TICK)
    upper = _earliest(
        None if order_date is None else order_date + _TICK, before, None if until is None else until + _TICK
    )
    if lower is not None and upper is not None and upper <= lower:
        raise bad_request(
            "invalidFilter", "the orderDate filters leave no time: the upper bound is not after the lower"
        )
    criteria = OrderFilter(_ids(id_), _states(state), lower, upper, external_id, quote_id)
    result = run_query(services.uow_factory, ctx, lambda uow: list_orders(uow, criteria, page))
    return list_response((render_order_summary(s) for s in result.items), result.total, page, fields)


@router.get(
    "/productOrder/{order_id}", responses={200: {"model": ProductOrder, "description": "The order; ETag = version"}}
)
def get(order_id: OrderId, ctx: ContextDep, services: ServicesDep, fields: FieldsDep) -> JSONResponse:
    view = run_query(services.uow_factory, ctx, lambda uow: get_order(uow, order_id))
    return resource_response(stored(render_order(view), view.version), fields=fields)


@router.patch(
    "/productOrder/{order_id}",
    status_code=202,
    responses={
        202: {"model": ProductOrder, "description": "Amendment accepted for assessment; see @oms.amendment"},
        201: {"model": ProductOrder, "description": "The order was completed: a supplemental order was placed"},
    },
)
def patch(
    order_id: OrderId,
    update: Annotated[ProductOrderAmend, Body(media_type="application/merge-patch+json")],
    ctx: ContextDep,
    services: ServicesDep,
    idempotency_key: IdempotencyKeyDep,
    if_match: IfMatchDep,
    fields: FieldsDep,
) -> JSONResponse:
    """Amend the items of an order in flight. The patch lists every item the order should have
    (a merge patch replaces the array): new ids are added, changed items modified, items left out
    removed. One amendment at a time (409 ``amendmentInProgress``); ``If-Match`` is the order's ETag."""

    def command(uow: UnitOfWork) -> Json:
        amendment = amendment_of(get_order(uow, order_id), update.productOrderItem, if_match)
        if not (amendment.add or amendment.modify or amendment.remove):
            raise bad_request("nothingToChange", f"the patch leaves every item of order {order_id!r} as it is")
        change = request_amendment(uow, amendment)
        if change.kind == SUPPLEMENTAL_ORDER:
            return {**stored(render_order(change.order), change.order.version), "created": True}
        return {**stored(render_order(change.order, change.amendment), change.order.version), "created": False}

    body = {"body": update.model_dump(mode="json", by_alias=True, exclude_unset=True), "ifMatch": if_match}
    result, replayed = run_write(
        services, ctx, key=idempotency_key, operation=f"PATCH /productOrder/{order_id}", body=body, command=command
    )
    created = bool(result["created"])
    return resource_response(result, status=201 if created else 202, fields=fields, created=created, replayed=replayed)


def _ids(raw: str | None) -> frozenset[str]:
    ids = frozenset(name.strip() for name in (raw or "").split(",") if name.strip())
    if len(ids) > MAX_IDS:
        raise bad_request("invalidFilter", f"at most {MAX_IDS} ids in one list request", id=len(ids))
    return ids


def _states(raw: str | None) -> frozenset[OrderState]:
    names = [name.strip() for name in (raw or "").split(",") if name.strip()]
    unknown = [name for name in names if name not in set(OrderState)]
    if unknown:
        raise bad_request(
            "invalidFilter", f"unknown state(s) {', '.join(unknown)}; use {', '.join(OrderState)}", state=unknown
        )
    return frozenset(OrderState(name) for name in names)


def _latest(*bounds: datetime | None) -> datetime | None:
    given = [bound for bound in bounds if bound is not None]
    return max(given) if given else None


def _earliest(*bounds: datetime | None) -> datetime | None:
    given = [bound for bound in bounds if bound is not None]
    return min(given) if given else None
