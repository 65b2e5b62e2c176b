"""Fallout on the real models: a business rejection of provisioning (reported by callback) or its
silence for two hours opens a fallout case; the fallout-repair process waits for the operator's
repair, then resumes order-fulfillment with the next step of the repaired plan."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import psycopg
from workers_support import OPERATOR, Flow, Tenant, effects, task_key

from oms.application.commands.fallout import (
    RetryFalloutTask,
    UpdateFalloutRepairData,
    retry_fallout_task,
    update_fallout_repair_data,
)
from oms.application.queries.orders import get_fallout_case, get_order_plan
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


def test_the_retry_sends_the_repair_data_the_operator_gave_under_a_new_idempotency_key(
    tenant: Tenant, simulators: Callable[..., str], flow: Callable[[str], Flow], admin: psycopg.Connection[Any]
) -> None:
    # given: provisioning refuses XGS-PON services, and an XGS-PON order fell out
    no_xgs_pon = {"reasonCode": "noCapacity", "characteristic": "technology", "value": "XGS-PON"}
    run = flow(simulators(provisioning={"rejections": [no_xgs_pon]}))
    order_id = tenant.place_fiber_order(technology="XGS-PON").id
    run.run_until(lambda: tenant.order_state(order_id) == "held", "the order held by the fallout")
    case_id, _, _ = _case_of(admin, tenant)
    run.run_until(lambda: bool(run.outcomes_of("fallout.repair.evaluate")), "the case evaluated")
    # when: the operator corrects the technology and retries
    tenant.run(
        OPERATOR,
        lambda uow: update_fallout_repair_data(uow, UpdateFalloutRepairData(case_id, {"technology": "GPON"})),
    )
    tenant.run(OPERATOR, lambda uow: retry_fallout_task(uow, RetryFalloutTask(case_id)))
    run.run_until(lambda: tenant.order_state(order_id) == "completed", "the order completed")
    # then: the first run was refused, the second (a new key) asked for GPON and was accepted
    first, second = task_key(order_id, "provision-service"), task_key(order_id, "provision-service", run=2)
    assert [call["status"] for call in run.sim_calls("provisioning", first)] == [422]
    [retried] = run.sim_calls("provisioning", second)
    assert (retried["status"], retried["body"]["characteristics"]["technology"]) == (202, "GPON")
    # and the task keeps the correction beside what was planned; the failure's own details were not sent
    task = tenant.query(lambda uow: get_order_plan(uow, order_id)).task(f"{order_id}:fiber:provision-service")
    assert (task.parameters["technology"], task.parameters["@repair.technology"], task.run) == ("XGS-PON", "GPON", 2)
    assert "reasonCode" not in retried["body"]["characteristics"]
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
