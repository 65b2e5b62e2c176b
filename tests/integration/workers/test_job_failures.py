"""The failure taxonomy of the fulfillment handlers: a transient failure of a system is retried with
back-off and the same idempotency key; a redelivered job (the worker committed, reporting the job
failed) never repeats a side effect; a job without its context, or naming an order that does not
exist, stops as an incident at once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

import pytest
from workers_support import Flow, Tenant, effects, job_like, task_key

from oms.application.commands.external_calls import call_through_ledger
from oms.application.context import RequestContext
from oms.application.external_systems import CallStatus, ExternalCall, Json
from oms.application.queries.orders import get_order_plan
from oms.application.runner import run_command
from oms.domain.shared.actors import Actor, ActorKind
from oms.domain.shared.ids import ActorId
from oms.workflow.outcomes import Failed, outcome_of

DECOMPOSE = "order.fulfillment.decompose"
RESERVE = "order.fulfillment.reserve-resource"


def _variables(tenant: Tenant, order_id: str) -> dict[str, Any]:
    return {"tenantId": tenant.id, "orderId": order_id, "correlationId": f"corr-{order_id}"}


def test_a_503_is_retried_after_a_back_off_with_the_same_key(
    tenant: Tenant, simulators: Callable[..., str], flow: Callable[[str], Flow]
) -> None:
    run = flow(simulators(inventory={"failFirstAttempts": 1}))
    order_id = tenant.place_fiber_order().id
    # when: the inventory answers the first attempt with 503
    run.run_until(lambda: bool(run.outcomes_of(RESERVE)), "the reservation tried")
    failed = run.outcomes_of(RESERVE)[0]
    assert isinstance(failed, Failed)
    assert (failed.name, failed.retries, failed.backoff_ms) == ("transient_failure", 2, 2000)
    # then: nothing runs before the back-off has passed, then the job runs again and succeeds
    run.pump()
    assert len(run.outcomes_of(RESERVE)) == 1
    run.harness.clock.increase_time(timedelta(seconds=2))
    run.run_until(lambda: tenant.order_state(order_id) == "completed", "the order completed")
    calls = run.sim_calls("inventory", task_key(order_id, "reserve-resource"))
    assert [call["status"] for call in calls] == [503, 201]
    assert len(effects(calls)) == 1
    plan = tenant.query(lambda uow: get_order_plan(uow, order_id))
    assert next(t for t in plan.tasks if t.task_type == "reserve-resource").technical_failures == 1
    run.close()


def test_a_redelivered_job_after_a_committed_run_repeats_no_side_effect(
    tenant: Tenant, simulators: Callable[..., str], flow: Callable[[str], Flow]
) -> None:
    run = flow(simulators())
    order_id = tenant.place_fiber_order().id
    variables = _variables(tenant, order_id)
    assert run.handlers[DECOMPOSE](job_like(DECOMPOSE, variables)) == {"nextStep": "reserve-resource"}
    job = job_like(RESERVE, variables, key=2)
    # when: the worker committed its work, but completing the job failed; the engine hands it out again
    first = run.handlers[RESERVE](job)
    second = run.handlers[RESERVE](job)
    # then: the same answer, one reservation
    assert first == second == {"nextStep": "provision-service"}
    assert len(effects(run.sim_calls("inventory", task_key(order_id, "reserve-resource")))) == 1
    assert len(run.sim_calls("inventory", task_key(order_id, "reserve-resource"))) == 1
    run.close()


class CrashAfterCall:
    """The real systems, but the worker dies once right after a call returned (before recording it)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.crashes = 1

    def send(self, system: str, operation: str, idempotency_key: str, request: Mapping[str, Any]) -> Json:
        answer: Json = self.inner.send(system, operation, idempotency_key, request)
        if self.crashes:
            self.crashes -= 1
            raise RuntimeError("worker died after the call")
        return answer


def test_a_call_whose_answer_was_lost_is_sent_again_with_its_key_and_acts_once(
    tenant: Tenant, simulators: Callable[..., str], flow: Callable[[str], Flow]
) -> None:
    run = flow(simulators())
    order_id = tenant.place_fiber_order().id
    variables = _variables(tenant, order_id)
    run.handlers[DECOMPOSE](job_like(DECOMPOSE, variables))
    from oms.workflow.workers import default_handlers

    crashing = default_handlers(run.uow_factory, CrashAfterCall(run.systems))
    # when: the first attempt dies between the call and its record; the job is retried
    outcome = outcome_of(crashing[RESERVE], job_like(RESERVE, variables, key=2), 0)
    assert isinstance(outcome, Failed) and "worker died" in outcome.message
    assert crashing[RESERVE](job_like(RESERVE, variables, key=2)) == {"nextStep": "provision-service"}
    # then: the second request carried the same key and was answered from the first (replayed)
    calls = run.sim_calls("inventory", task_key(order_id, "reserve-resource"))
    assert [call["replayed"] for call in calls] == [False, True]
    assert len(effects(calls)) == 1
    run.close()


class NeverCall:
    def send(self, system: str, operation: str, idempotency_key: str, request: Mapping[str, Any]) -> Json:
        raise AssertionError("a call answered in the ledger must not be made again")


def test_the_ledger_answers_a_call_that_was_answered_before(tenant: Tenant, flow: Callable[[str], Flow]) -> None:
    run = flow("http://127.0.0.1:9")  # no system behind: nothing may be called
    ctx = RequestContext.new(tenant.id, Actor(ActorKind.SERVICE, ActorId("oms-workflow-worker")))
    call = ExternalCall("inventory", "reserve", "task-1:run-1", {"tenantId": tenant.id})
    entry = run_command(run.uow_factory, ctx, lambda uow: uow.external_calls.begin(call))
    run_command(run.uow_factory, ctx, lambda uow: uow.external_calls.record_success(entry.id, {"reservationId": "r-1"}))
    again = run_command(run.uow_factory, ctx, lambda uow: uow.external_calls.begin(call))
    answer = call_through_ledger(run.uow_factory, ctx, NeverCall(), again)
    assert (answer.from_ledger, answer.rejected, answer.response) == (True, False, {"reservationId": "r-1"})
    assert (again.status, again.attempts) == (CallStatus.SUCCEEDED, 1)
    run.close()


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"tenantId": None, "orderId": "o-1"}, "needs the variable 'tenantId'"),
        ({"orderId": "no-such-order"}, "data corruption: productOrder 'no-such-order' not found"),
    ],
    ids=["no tenant", "unknown order"],
)
def test_a_job_without_its_context_or_data_is_an_incident_at_once(
    tenant: Tenant, flow: Callable[[str], Flow], variables: dict[str, Any], message: str
) -> None:
    run = flow("http://127.0.0.1:9")
    started = {"tenantId": tenant.id, "correlationId": "c-1", **variables}
    instance = run.client.create_instance("order-fulfillment", variables={k: v for k, v in started.items() if v})
    # when
    run.run_until(lambda: bool(run.outcomes_of(DECOMPOSE)), "the decomposition tried")
    # then: no retries left, the engine raised an incident with the reason
    outcome = run.outcomes_of(DECOMPOSE)[0]
    assert isinstance(outcome, Failed) and (outcome.name, outcome.retries) == ("incident", 0)
    incident = run.harness.assert_that(instance.process_instance_key).has_incident(element_id="decompose_order")
    assert message in incident.error_message
    run.close()


@pytest.mark.parametrize(
    "job_type",
    [
        "order.fulfillment.reserve-resource",
        "order.fulfillment.provision-service",
        "order.fulfillment.close-order",
        "order.cancellation.compensate",
        "fallout.repair.resume",
    ],
)
def test_a_handler_without_its_id_fails_with_no_retries_left(
    tenant: Tenant, flow: Callable[[str], Flow], job_type: str
) -> None:
    run = flow("http://127.0.0.1:9")
    outcome = outcome_of(run.handlers[job_type], job_like(job_type, {"tenantId": tenant.id}), 0)
    assert isinstance(outcome, Failed) and (outcome.name, outcome.retries) == ("incident", 0)
    assert "needs the variable" in outcome.message
    run.close()
