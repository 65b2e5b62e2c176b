"""Fallout on the real models: a business rejection of provisioning (reported by callback) or its
silence for two hours opens a fallout case; the fallout-repair process waits for the operator's
repair, then resumes order-fulfillment with the next step of the repaired plan."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import psycopg
from workers_support import OPERATOR, Flow, Tenant, effects, task_key

from oms.application.commands.fallout import RetryFalloutTask, retry_fallout_task
from oms.application.queries.orders import get_fallout_case
from oms.application.workflow import fallout_repair_business_key, order_fulfillment_business_key


def _case_of(admin: psycopg.Connection[Any], tenant: Tenant) -> tuple[str, str, str]:
    row = admin.execute(
        "SELECT id, status, category FROM fallout_case WHERE tenant_id = %s ORDER BY opened_at DESC LIMIT 1",
        (tenant.id,),
    ).fetchone()
    assert row is not None, "no fallout case"
    return row[0], row[1], row[2]


def test_a_rejected_provisioning_falls_out_and_completes_after_the_operator_retries(
    tenant: Tenant, simulators: Callable[..., str], flow: Callable[[str], Flow], admin: psycopg.Connection[Any]
) -> None:
    order_id = tenant.place_fiber_order().id
    first_run = task_key(order_id, "provision-service")
    rejection = {"reasonCode": "addressNotServiceable", "idempotencyKeys": [first_run], "phase": "callback"}
    run = flow(simulators(provisioning={"rejections": [rejection]}))
    fulfillment = order_fulfillment_business_key(tenant.id, order_id)
    # when: provisioning reports the rejection in its callback
    run.run_until(lambda: tenant.order_state(order_id) == "held", "the order held by the fallout")
    case_id, status, category = _case_of(admin, tenant)
    assert (status, category) == ("open", "externalRejection")
    run.run_until(lambda: bool(run.outcomes_of("fallout.repair.evaluate")), "the case evaluated")
    repair = run.instance_of("fallout-repair", fallout_repair_business_key(tenant.id, case_id))
    # then: fulfillment waits for the repair, the repair process for the operator
    instance = run.instance_of("order-fulfillment", fulfillment)
    run.harness.assert_that(instance).is_waiting_for_message("fallout.repaired", case_id).has_variable(
        "provisioningOutcome", "fallout"
    )
    run.harness.assert_that(repair).has_variable("repairMode", "manual").is_waiting_for_message(
        "fallout.case.resolved", case_id
    )
    # when: the operator retries the task (a new run, a new idempotency key)
    tenant.run(OPERATOR, lambda uow: retry_fallout_task(uow, RetryFalloutTask(case_id)))
    run.run_until(lambda: tenant.order_state(order_id) == "completed", "the order completed")
    # then
    run.harness.assert_that(repair).is_completed().has_variable("repairAction", "retry")
    run.harness.assert_that(instance).is_completed().has_no_incidents()
    assert tenant.query(lambda uow: get_fallout_case(uow, case_id)).status == "resolved"
    assert len(effects(run.sim_calls("provisioning", task_key(order_id, "provision-service", run=2)))) == 1
    run.close()


def test_provisioning_silent_for_two_hours_opens_a_fallout_case(
    tenant: Tenant, simulators: Callable[..., str], flow: Callable[[str], Flow], admin: psycopg.Connection[Any]
) -> None:
    run = flow(simulators(provisioning={"callbackDelayMs": 600_000}))  # no answer during the test
    order_id = tenant.place_fiber_order().id
    instance_key = order_fulfillment_business_key(tenant.id, order_id)
    run.run_until(lambda: bool(run.outcomes_of("order.fulfillment.provision-service")), "the requests sent")
    instance = run.instance_of("order-fulfillment", instance_key)
    run.harness.assert_that(instance).is_waiting_at_elements("await_provisioning")
    # when: two hours pass on the engine's clock
    run.harness.clock.increase_time(timedelta(hours=2, seconds=1))
    run.run_until(lambda: bool(run.outcomes_of("order.fulfillment.open-fallout")), "the fallout case opened")
    # then: the in-flight task failed with its case, the order is held, the process waits for the repair
    case_id, status, _ = _case_of(admin, tenant)
    assert status == "open"
    assert tenant.task_states(order_id)["provision-service"] == "failed"
    assert tenant.order_state(order_id) == "held"
    run.harness.assert_that(instance).has_completed_elements("open_fallout").is_waiting_for_message(
        "fallout.repaired", case_id
    )
    case = tenant.query(lambda uow: get_fallout_case(uow, case_id))
    assert case.reason.startswith("provisioning did not answer")
    run.close()
