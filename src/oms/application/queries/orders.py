"""Order queries: orders (one, or a filtered page with the total count), cancellation requests,
amendments, fulfillment plans with their tasks, and fallout cases.

Every reader of the tenant may read them; an order of another tenant does not exist for them
(``NotFound``, never ``Forbidden``, so ids of other tenants cannot be probed)."""

from __future__ import annotations

from oms.application.commands._order_loading import (
    load_amendment,
    load_cancellation,
    load_fallout_case,
    load_order,
    load_plan,
)
from oms.application.fulfillment_views import FalloutCaseView, FalloutPage, PlanView
from oms.application.order_views import AmendmentView, CancellationPage, CancellationView, OrderPage, OrderView
from oms.application.queries.criteria import PageRequest
from oms.application.queries.order_criteria import CancellationFilter, FalloutFilter, OrderFilter
from oms.application.unit_of_work import UnitOfWork
from oms.domain.fulfillment.plan import fulfillment_plan_id


def get_order(uow: UnitOfWork, order_id: str) -> OrderView:
    return OrderView.of(load_order(uow, order_id))


def list_orders(uow: UnitOfWork, criteria: OrderFilter | None = None, page: PageRequest | None = None) -> OrderPage:
    """Newest order date first; ``total`` counts every match (X-Total-Count)."""
    page = page or PageRequest()
    items, total = uow.orders.search(criteria or OrderFilter(), page)
    return OrderPage(tuple(items), total, page.offset, page.limit)


def get_cancellation(uow: UnitOfWork, request_id: str) -> CancellationView:
    return CancellationView.of(load_cancellation(uow, request_id))


def list_cancellations(
    uow: UnitOfWork, criteria: CancellationFilter | None = None, page: PageRequest | None = None
) -> CancellationPage:
    page = page or PageRequest()
    requests, total = uow.cancellations.search(criteria or CancellationFilter(), page)
    return CancellationPage(tuple(CancellationView.of(r) for r in requests), total, page.offset, page.limit)


def get_amendment(uow: UnitOfWork, request_id: str) -> AmendmentView:
    return AmendmentView.of(load_amendment(uow, request_id))


def get_plan(uow: UnitOfWork, plan_id: str) -> PlanView:
    return PlanView.of(load_plan(uow, plan_id))


def get_order_plan(uow: UnitOfWork, order_id: str) -> PlanView:
    """The order's fulfillment plan (``NotFound`` before decomposition)."""
    order = load_order(uow, order_id)
    return PlanView.of(load_plan(uow, fulfillment_plan_id(order.id)))


def get_fallout_case(uow: UnitOfWork, case_id: str) -> FalloutCaseView:
    return FalloutCaseView.of(load_fallout_case(uow, case_id))


def list_fallout_cases(
    uow: UnitOfWork, criteria: FalloutFilter | None = None, page: PageRequest | None = None
) -> FalloutPage:
    page = page or PageRequest()
    cases, total = uow.fallout_cases.search(criteria or FalloutFilter(), page)
    return FalloutPage(tuple(FalloutCaseView.of(c) for c in cases), total, page.offset, page.limit)
