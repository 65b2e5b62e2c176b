"""TMF622 ``/cancelProductOrder``: request the cancellation of an order, list and get requests.

A request is created ``acknowledged`` (201, ``Location`` = ``href``) and assessed by the
cancellation workflow: ``done`` when the order is cancelled, ``terminatedWithError`` with
``@oms.cancellationOutcome: refused`` when the order is past its point of no return. An order whose
state has no cancellation edge (acknowledged, completed, or any other final state) gets no request
at all: 409 ``illegalTransition``, and nothing is written (docs/api-order.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from oms.api.deps import ContextDep, FieldsDep, IdempotencyKeyDep, IfMatchDep, PageDep, ServicesDep
from oms.api.errors import bad_request
from oms.api.render.order import render_cancellation
from oms.api.render.paths import ORDER_PREFIX
from oms.api.responses import list_response, resource_response, run_write, stored
from oms.api.routes.order_input import cancellation_command
from oms.api.schemas.common import ERROR_RESPONSES
from oms.api.schemas.order import CancelProductOrder, CancelProductOrderCreate
from oms.application.commands.cancellation import request_cancellation
from oms.application.queries.order_criteria import CancellationFilter
from oms.application.queries.orders import get_cancellation, list_cancellations
from oms.application.runner import run_query
from oms.application.unit_of_work import UnitOfWork
from oms.domain.order.cancellation import CancellationState

router = APIRouter(prefix=ORDER_PREFIX, tags=["cancelProductOrder"], responses=ERROR_RESPONSES)
Json = dict[str, Any]
RequestId = Annotated[str, Path(min_length=1, max_length=64)]


@router.post(
    "/cancelProductOrder",
    status_code=201,
    responses={201: {"model": CancelProductOrder, "description": "Acknowledged; Location = href"}},
)
def create(
    request: CancelProductOrderCreate,
    ctx: ContextDep,
    services: ServicesDep,
    idempotency_key: IdempotencyKeyDep,
    if_match: IfMatchDep,
    fields: FieldsDep,
) -> JSONResponse:
    """Ask for the order's cancellation; the order moves to ``assessingCancellation``. ``If-Match``
    is the order's ETag (412 when the order moved on)."""

    def command(uow: UnitOfWork) -> Json:
        view = request_cancellation(uow, cancellation_command(request, if_match))
        return stored(render_cancellation(view), view.version)

    body = {"body": request.model_dump(mode="json", by_alias=True, exclude_unset=True), "ifMatch": if_match}
    result, replayed = run_write(
        services, ctx, key=idempotency_key, operation="POST /cancelProductOrder", body=body, command=command
    )
    return resource_response(result, status=201, fields=fields, created=True, replayed=replayed)


@router.get(
    "/cancelProductOrder",
    responses={200: {"model": list[CancelProductOrder], "description": "A page (206 when partial)"}},
)
def list_(
    ctx: ContextDep,
    services: ServicesDep,
    page: PageDep,
    fields: FieldsDep,
    order_id: Annotated[str | None, Query(alias="productOrder.id", description="requests of this order")] = None,
    state: Annotated[str | None, Query(description="comma-separated, e.g. inProgress,terminatedWithError")] = None,
) -> JSONResponse:
    """Newest first."""
    criteria = CancellationFilter(order_id, _states(state))
    result = run_query(services.uow_factory, ctx, lambda uow: list_cancellations(uow, criteria, page))
    return list_response((render_cancellation(v) for v in result.items), result.total, page, fields)


@router.get(
    "/cancelProductOrder/{request_id}",
    responses={200: {"model": CancelProductOrder, "description": "The request; ETag = version"}},
)
def get(request_id: RequestId, ctx: ContextDep, services: ServicesDep, fields: FieldsDep) -> JSONResponse:
    view = run_query(services.uow_factory, ctx, lambda uow: get_cancellation(uow, request_id))
    return resource_response(stored(render_cancellation(view), view.version), fields=fields)


def _states(raw: str | None) -> frozenset[CancellationState]:
    names = [name.strip() for name in (raw or "").split(",") if name.strip()]
    unknown = [name for name in names if name not in set(CancellationState)]
    if unknown:
        raise bad_request(
            "invalidFilter",
            f"unknown state(s) {', '.join(unknown)}; use {', '.join(CancellationState)}",
            state=unknown,
        )
    return frozenset(CancellationState(name) for name in names)
