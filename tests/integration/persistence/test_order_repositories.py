"""The order repositories load what they saved, field for field (a round trip through PostgreSQL
gives an equal aggregate), and saving is optimistic."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from order_persistence_support import LATER, OPERATOR, WORKER, fiber_task, order_in_fallout, placed_order, plan_of
from persistence_support import NOW, ctx

from oms.application.errors import StaleVersion
from oms.domain.fulfillment.compensation import compensation_plan
from oms.domain.fulfillment.plan import FulfillmentPlan
from oms.domain.order.amendment import ProductOrderAmendment
from oms.domain.order.cancellation import CancelProductOrder
from oms.domain.order.consistency import ReasonCode, RejectionReason
from oms.domain.order.items import ItemAction
from oms.domain.order.keys import AmendmentRequestId, CancellationRequestId
from oms.domain.order.lifecycle import OrderState
from oms.domain.order.model import ProductOrder
from oms.domain.order.request import OrderItemRequest
from oms.domain.shared.ids import OrderItemId
from oms.persistence.unit_of_work import PostgresUnitOfWorkFactory


def _state(aggregate: object) -> dict[str, Any]:
    """Everything an aggregate holds but the events it raised."""
    return {k: v for k, v in vars(aggregate).items() if k != "_events"}


def test_an_order_in_fallout_and_its_plan_and_case_come_back_as_they_were_saved(
    uow_factory: PostgresUnitOfWorkFactory, tenant_a: str
) -> None:
    # given
    order, plan, case = order_in_fallout()
    with uow_factory(ctx(tenant_a)) as uow:
        uow.orders.add(order)
        uow.plans.add(plan)
        uow.fallout_cases.add(case)
        uow.commit()
    # when
    with uow_factory(ctx(tenant_a)) as uow:
        loaded_order = uow.orders.get(order.id)
        loaded_plan = uow.plans.get(plan.id)
        loaded_case = uow.fallout_cases.get(case.id)
        live = uow.fallout_cases.live_case_of_task(plan.id, case.task_id)
    # then
    assert loaded_order is not None and _state(loaded_order) == _state(order)
    assert loaded_plan is not None and _state(loaded_plan) == _state(plan)
    assert loaded_case is not None and _state(loaded_case) == _state(case)
    assert live is loaded_case
    assert loaded_order.state == "held" and loaded_order.totals == order.totals


def test_a_rejected_order_keeps_its_reasons(uow_factory: PostgresUnitOfWorkFactory, tenant_a: str) -> None:
    # given
    order = placed_order()
    rejected = ProductOrder(
        id=order.id,
        state=OrderState.REJECTED,
        items=order.items,
        order_date=order.order_date,
        header=order.header,
        currency=None,
        rejection_reasons=(RejectionReason(ReasonCode.UNKNOWN_QUOTE, "quote 'q-9' is unknown"),),
    )
    with uow_factory(ctx(tenant_a)) as uow:
        uow.orders.add(rejected)
        uow.commit()
    # when
    with uow_factory(ctx(tenant_a)) as uow:
        loaded = uow.orders.get(order.id)
    # then
    assert loaded is not None and _state(loaded) == _state(rejected)


def test_a_cancellation_with_its_compensation_plan_and_an_amendment_come_back_as_saved(
    uow_factory: PostgresUnitOfWorkFactory, tenant_a: str
) -> None:
    # given
    order = placed_order()
    plan = plan_of(order)
    order.start_treatment(WORKER, now=NOW)
    reserve = fiber_task(order, "reserve-resource")
    plan.start_task(WORKER, reserve, now=NOW)
    plan.complete_task(WORKER, reserve, external_reference="port-1", now=NOW)
    request = CancelProductOrder.request(
        OPERATOR,
        order,
        request_id=CancellationRequestId("c-1"),
        reason="moved",
        now=LATER,
        requested_cancellation_date=LATER,
    )
    request.assess(WORKER, order, plan, now=LATER)
    compensation = compensation_plan(WORKER, plan, plan_id=request.compensation_plan_id or "", scope="x", now=LATER)
    with uow_factory(ctx(tenant_a)) as uow:
        uow.orders.add(order)
        uow.plans.add(plan)
        uow.plans.add(compensation)
        uow.cancellations.add(request)
        uow.commit()
    other = placed_order()
    other.start_treatment(WORKER, now=NOW)
    amendment = ProductOrderAmendment.request(
        OPERATOR,
        other,
        request_id=AmendmentRequestId("a-1"),
        now=LATER,
        modify=(OrderItemRequest(OrderItemId("tv"), ItemAction.ADD, other.items[1].offering_id, {"setTopBoxes": 2}),),
        remove=(OrderItemId("fiber"),),
        price=None,
    )
    with uow_factory(ctx(tenant_a)) as uow:
        uow.orders.add(other)
        uow.amendments.add(amendment)
        uow.commit()
    # when
    with uow_factory(ctx(tenant_a)) as uow:
        loaded_request = uow.cancellations.get(request.id)
        loaded_compensation = uow.plans.get(compensation.id)
        loaded_amendment = uow.amendments.get(amendment.id)
        loaded_order = uow.orders.get(order.id)
    # then
    assert loaded_request is not None and _state(loaded_request) == _state(request)
    assert loaded_compensation is not None and _state(loaded_compensation) == _state(compensation)
    assert loaded_amendment is not None and _state(loaded_amendment) == _state(amendment)
    assert loaded_order is not None and _state(loaded_order) == _state(order)


def test_saving_a_plan_writes_only_the_tasks_that_changed(
    uow_factory: PostgresUnitOfWorkFactory, admin: psycopg.Connection[Any], tenant_a: str
) -> None:
    # given
    order = placed_order()
    plan = plan_of(order)
    with uow_factory(ctx(tenant_a)) as uow:
        uow.orders.add(order)
        uow.plans.add(plan)
        uow.commit()
    written = dict(
        admin.execute("SELECT id, xmin::text FROM fulfillment_task WHERE plan_id = %s", (plan.id,)).fetchall()
    )
    # when
    with uow_factory(ctx(tenant_a)) as uow:
        loaded = uow.plans.get(plan.id, for_update=True)
        assert loaded is not None
        loaded.start_task(WORKER, fiber_task(order, "reserve-resource"), now=NOW)
        uow.plans.save(loaded)
        uow.commit()
    # then
    rewritten = dict(
        admin.execute("SELECT id, xmin::text FROM fulfillment_task WHERE plan_id = %s", (plan.id,)).fetchall()
    )
    changed = {task for task in written if written[task] != rewritten[task]}
    assert changed == {fiber_task(order, "reserve-resource")}


def test_the_second_of_two_writers_of_one_plan_fails_on_the_version(
    uow_factory: PostgresUnitOfWorkFactory, tenant_a: str
) -> None:
    # given
    order = placed_order()
    with uow_factory(ctx(tenant_a)) as uow:
        uow.orders.add(order)
        uow.plans.add(plan_of(order))
        uow.commit()
    plan_id = f"{order.id}:fulfillment"
    # when: both read version 0 (no lock), the first commits
    with uow_factory(ctx(tenant_a)) as first, uow_factory(ctx(tenant_a)) as second:
        mine, theirs = first.plans.get(plan_id), second.plans.get(plan_id)
        assert isinstance(mine, FulfillmentPlan) and isinstance(theirs, FulfillmentPlan)
        mine.start_task(WORKER, fiber_task(order, "reserve-resource"), now=NOW)
        first.plans.save(mine)
        first.commit()
        theirs.start_task(WORKER, fiber_task(order, "reserve-resource"), now=NOW)
        # then
        with pytest.raises(StaleVersion):
            second.plans.save(theirs)


def test_a_delivered_product_is_known_until_a_completed_order_deletes_it(
    uow_factory: PostgresUnitOfWorkFactory, tenant_a: str
) -> None:
    # given: an order completed (its add items created products)
    order = placed_order()
    plan = plan_of(order)
    order.start_treatment(WORKER, now=NOW)
    for task_id in plan.topological_order():
        plan.start_task(WORKER, task_id, now=NOW)
        plan.complete_task(WORKER, task_id, external_reference=None, now=NOW)
    order.close(WORKER, plan=plan, now=LATER)
    with uow_factory(ctx(tenant_a)) as uow:
        uow.orders.add(order)
        uow.commit()
    # when
    with uow_factory(ctx(tenant_a)) as uow:
        products = uow.orders.delivered_products([f"{order.id}:fiber", f"{order.id}:tv", "unknown"])
    # then
    assert [(p.product_id, p.offering_id, p.owner_id) for p in products] == [
        (f"{order.id}:fiber", order.items[0].offering_id, "customer-1"),
        (f"{order.id}:tv", order.items[1].offering_id, "customer-1"),
    ]
