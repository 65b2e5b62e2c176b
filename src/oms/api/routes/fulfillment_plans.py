"""Operator extension (not TMF622), read only: an order's fulfillment plan with its tasks, any plan
by id (compensation plans of a cancellation too), and the fallout cases of an order."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from oms.api.deps import ContextDep, FieldsDep, PageDep, ServicesDep
from oms.api.render.order_operations import render_fallout_case, render_plan
from oms.api.render.paths import ORDER_OPERATIONS_PREFIX
from oms.api.responses import list_response, resource_response, stored
from oms.api.schemas.common import ERROR_RESPONSES
from oms.api.schemas.order_operations import FalloutCase, FulfillmentPlan
from oms.application.fulfillment_views import FalloutPage
from oms.application.queries.order_criteria import FalloutFilter
from oms.application.queries.orders import get_order, get_order_plan, get_plan, list_fallout_cases
from oms.application.runner import run_query
from oms.application.unit_of_work import UnitOfWork

router = APIRouter(prefix=ORDER_OPERATIONS_PREFIX, tags=["orderOperations"], responses=ERROR_RESPONSES)
OrderId = Annotated[str, Path(min_length=1, max_length=64)]
PlanId = Annotated[str, Path(min_length=1, max_length=200)]
_PLAN: dict[int | str, dict[str, Any]] = {
    200: {"model": FulfillmentPlan, "description": "The plan with every task; ETag = version"}
}


@router.get("/productOrder/{order_id}/fulfillmentPlan", responses=_PLAN)
def order_plan(order_id: OrderId, ctx: ContextDep, services: ServicesDep, fields: FieldsDep) -> JSONResponse:
    """The order's fulfillment plan (404 until the order has been decomposed)."""
    view = run_query(services.uow_factory, ctx, lambda uow: get_order_plan(uow, order_id))
    return resource_response(stored(render_plan(view), view.version), fields=fields)


@router.get("/fulfillmentPlan/{plan_id}", responses=_PLAN)
def plan(plan_id: PlanId, ctx: ContextDep, services: ServicesDep, fields: FieldsDep) -> JSONResponse:
    """Any plan by id: ``{orderId}:fulfillment``, or a cancellation's compensation plan."""
    view = run_query(services.uow_factory, ctx, lambda uow: get_plan(uow, plan_id))
    return resource_response(stored(render_plan(view), view.version), fields=fields)


@router.get(
    "/productOrder/{order_id}/falloutCase",
    responses={200: {"model": list[FalloutCase], "description": "The order's cases, open and closed"}},
)
def order_fallout(
    order_id: OrderId, ctx: ContextDep, services: ServicesDep, page: PageDep, fields: FieldsDep
) -> JSONResponse:
    def query(uow: UnitOfWork) -> FalloutPage:
        get_order(uow, order_id)  # 404 for an unknown order (or another tenant's), not an empty list
        return list_fallout_cases(uow, FalloutFilter(order_id=order_id), page)

    result = run_query(services.uow_factory, ctx, query)
    return list_response((render_fallout_case(v) for v in result.items), result.total, page, fields)
