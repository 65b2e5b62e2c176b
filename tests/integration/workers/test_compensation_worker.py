"""``order.cancellation.compensate`` against the simulators: the compensation plan undoes what the
order's fulfillment did, in reverse dependency order, through the ledger; a refusal of the external
system opens a ``compensationFailed`` case and throws ``COMPENSATION_FAILED``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import psycopg
from workers_support import AGENT, Flow, Tenant, effects, job_like, wait_until

from oms.application.commands.cancellation import (
    AssessCancellation,
    FinishCancellation,
    RequestCancellation,
    assess_cancellation,
    finish_cancellation,
    request_cancellation,
)
from oms.application.commands.order import OrderItemInput, PartyInput, PlaceOrder, place_order
from oms.application.order_views import CancellationView
from oms.application.queries.orders import get_order_plan, get_plan
from oms.domain.catalog.demo import FIBER
from oms.domain.shared.actors import Actor, ActorKind
from oms.domain.shared.ids import ActorId
from oms.workflow.outcomes import ErrorThrown, outcome_of

SERVICE = Actor(ActorKind.SERVICE, ActorId("oms-workflow-worker"))
COMPENSATE = "order.cancellation.compensate"


def _provisioned_then_cancelled(run: Flow, tenant: Tenant) -> tuple[str, CancellationView]:
    """An order whose resource is reserved and whose service is provisioned (callback recorded), then
    a cancellation accepted with its compensation plan."""
    order_id = tenant.place_fiber_order().id
    variables = {"tenantId": tenant.id, "orderId": order_id, "correlationId": "c-1"}
    run.handlers["order.fulfillment.decompose"](job_like("order.fulfillment.decompose", variables))
    run.handlers["order.fulfillment.reserve-resource"](job_like("order.fulfillment.reserve-resource", variables))
    run.handlers["order.fulfillment.provision-service"](job_like("order.fulfillment.provision-service", variables))
    wait_until(lambda: tenant.task_states(order_id)["provision-service"] == "completed", "the service provisioned")
    requested = tenant.run(AGENT, lambda uow: request_cancellation(uow, RequestCancellation(order_id, "moved")))
    assessed = tenant.run(SERVICE, lambda uow: assess_cancellation(uow, AssessCancellation(requested.id)))
    assert assessed.compensation_plan_id is not None
    return order_id, assessed


def _job(tenant: Tenant, order_id: str, request_id: str) -> Any:
    variables = {"tenantId": tenant.id, "orderId": order_id, "cancellationRequestId": request_id}
    return job_like(COMPENSATE, variables, key=7)


def test_the_compensation_undoes_the_service_then_the_resource(
    tenant: Tenant, simulators: Callable[..., str], flow: Callable[[str], Flow]
) -> None:
    run = flow(simulators())
    order_id, cancellation = _provisioned_then_cancelled(run, tenant)
    # when
    assert run.handlers[COMPENSATE](_job(tenant, order_id, cancellation.id)) == {}
    # then: deprovisioned, then released, once each; the cancellation can finish
    provisioning = [c["operation"] for c in effects(run.sim_calls("provisioning"))]
    assert provisioning == ["provision", "deprovision"]
    assert [c["operation"] for c in effects(run.sim_calls("inventory"))] == ["reserve", "release"]
    done = tenant.run(SERVICE, lambda uow: finish_cancellation(uow, FinishCancellation(cancellation.id)))
    assert done.state == "done"
    assert tenant.order_state(order_id) == "cancelled"
    # a redelivered job changes nothing and calls nothing
    assert run.handlers[COMPENSATE](_job(tenant, order_id, cancellation.id)) == {}
    assert len(run.sim_calls("inventory")) == 2
    run.close()


def test_a_refused_compensation_opens_a_case_and_throws_compensation_failed(
    tenant: Tenant, simulators: Callable[..., str], flow: Callable[[str], Flow], admin: psycopg.Connection[Any]
) -> None:
    run = flow(simulators())
    order_id, cancellation = _provisioned_then_cancelled(run, tenant)
    assert cancellation.compensation_plan_id is not None
    plan = tenant.query(lambda uow: get_plan(uow, str(cancellation.compensation_plan_id)))
    release = next(task for task in plan.tasks if task.task_type == "release-resource")
    blocked = {"reasonCode": "portLocked", "reason": "the port is locked", "idempotencyKeys": [f"{release.id}:run-1"]}
    httpx.patch(f"{run.simulators_url}/admin/config", json={"inventory": {"rejections": [blocked]}}).raise_for_status()
    # when
    outcome = outcome_of(run.handlers[COMPENSATE], _job(tenant, order_id, cancellation.id), 0)
    # then
    assert isinstance(outcome, ErrorThrown) and outcome.code == "COMPENSATION_FAILED"
    assert outcome.variables is not None
    case_id = outcome.variables["falloutCaseId"]
    row = admin.execute(
        "SELECT category, status, plan_id FROM fallout_case WHERE tenant_id = %s AND id = %s", (tenant.id, case_id)
    ).fetchone()
    assert row == ("compensationFailed", "open", cancellation.compensation_plan_id)
    # a redelivered job throws the same case again, without calling the system again
    again = outcome_of(run.handlers[COMPENSATE], _job(tenant, order_id, cancellation.id), 0)
    assert isinstance(again, ErrorThrown) and again.variables == {"falloutCaseId": case_id}
    assert [c["status"] for c in run.sim_calls("inventory") if c["operation"] == "release"] == [422]
    run.close()


def test_undoing_a_modified_service_sends_back_the_values_it_had_before(
    tenant: Tenant, simulators: Callable[..., str], flow: Callable[[str], Flow]
) -> None:
    # given: a delivered 1000 Mbit/s fiber line, then an order that changes it to 500 Mbit/s, whose
    # modification is provisioned before the order is cancelled
    run = flow(simulators())
    delivered = tenant.place_fiber_order().id
    run.run_until(lambda: tenant.order_state(delivered) == "completed", "the line delivered")
    change = OrderItemInput("fiber", "modify", FIBER, {"downloadSpeed": 500}, product_id=f"{delivered}:fiber")
    request = PlaceOrder(items=(change,), related_parties=(PartyInput("customer-1", "Individual", "customer"),))
    order_id = tenant.run(AGENT, lambda uow: place_order(uow, request)).id
    variables = {"tenantId": tenant.id, "orderId": order_id, "correlationId": "c-2"}
    run.handlers["order.fulfillment.decompose"](job_like("order.fulfillment.decompose", variables))
    run.handlers["order.fulfillment.provision-service"](job_like("order.fulfillment.provision-service", variables))
    wait_until(lambda: tenant.task_states(order_id)["modify-service"] == "completed", "the line modified")
    modify = tenant.query(lambda uow: get_order_plan(uow, order_id)).task(f"{order_id}:fiber:modify-service")
    assert modify.parameters["downloadSpeed"] == "500"
    assert modify.parameters["@previous.downloadSpeed"] == "1000"
    requested = tenant.run(AGENT, lambda uow: request_cancellation(uow, RequestCancellation(order_id, "changed mind")))
    cancellation = tenant.run(SERVICE, lambda uow: assess_cancellation(uow, AssessCancellation(requested.id)))
    # when
    assert run.handlers[COMPENSATE](_job(tenant, order_id, cancellation.id)) == {}
    # then: the line is modified back to what it was, not to the cancelled order's values
    calls = [c for c in effects(run.sim_calls("provisioning")) if c["operation"] == "modify"]
    assert [c["body"]["characteristics"]["downloadSpeed"] for c in calls] == ["500", "1000"]
    undo = calls[-1]["body"]["characteristics"]
    provision = next(c for c in effects(run.sim_calls("provisioning")) if c["operation"] == "provision")
    assert undo == {name: str(value) for name, value in provision["body"]["characteristics"].items()}
    run.close()
