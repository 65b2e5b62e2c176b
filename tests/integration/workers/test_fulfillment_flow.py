"""The order-fulfillment process end to end on the embedded engine, with the real model, the
default handlers, PostgreSQL and the simulators: provisioning answers by signed HTTP callback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
from workers_support import Flow, Tenant, effects, task_key

from oms.application.workflow import order_fulfillment_business_key


def test_a_fiber_order_is_fulfilled_and_completed(
    tenant: Tenant, simulators: Callable[..., str], flow: Callable[[str], Flow], admin: psycopg.Connection[Any]
) -> None:
    run = flow(simulators(provisioning={"callbackDelayMs": 20}))
    order = tenant.place_fiber_order()
    # when
    run.run_until(lambda: tenant.order_state(order.id) == "completed", "the order completed")
    # then: every task completed, each external system acted once per task
    assert set(tenant.task_states(order.id).values()) == {"completed"}
    instance = run.instance_of("order-fulfillment", order_fulfillment_business_key(tenant.id, order.id))
    run.harness.assert_that(instance).is_completed().has_completed_elements(
        "decompose_order",
        "reserve_resource",
        "provision_service",
        "await_provisioning",
        "activate_billing",
        "close_order",
    ).has_no_incidents()
    assert len(effects(run.sim_calls("inventory", task_key(order.id, "reserve-resource")))) == 1
    assert len(effects(run.sim_calls("provisioning", task_key(order.id, "provision-service")))) == 1
    assert len(effects(run.sim_calls("billing", task_key(order.id, "activate-billing")))) == 1
    ledger = admin.execute(
        "SELECT target_system, operation, status, attempt_count FROM external_call_attempt"
        " WHERE tenant_id = %s ORDER BY id",
        (tenant.id,),
    ).fetchall()
    assert ledger == [
        ("inventory", "reserve", "succeeded", 1),
        ("provisioning", "provision", "succeeded", 1),
        ("billing", "activate", "succeeded", 1),
    ]
    run.close()


def test_a_duplicated_callback_is_recorded_once(
    tenant: Tenant, simulators: Callable[..., str], flow: Callable[[str], Flow], admin: psycopg.Connection[Any]
) -> None:
    run = flow(simulators(provisioning={"callbackDuplicates": 2}))
    order = tenant.place_fiber_order()
    # when: every provisioning callback is delivered three times
    run.run_until(lambda: tenant.order_state(order.id) == "completed", "the order completed")
    run.run_until(lambda: len(run.sim_deliveries()) == 3, "the three deliveries")
    # then: the first was recorded, the two others acknowledged as duplicates; one message for the round
    assert sorted(d["status"] for d in run.sim_deliveries()) == [200, 200, 202]
    messages = admin.execute(
        "SELECT message_name, status FROM workflow_message_correlation"
        " WHERE tenant_id = %s AND message_name IN ('provisioning.callback', 'order.provisioning.completed')"
        " ORDER BY id",
        (tenant.id,),
    ).fetchall()
    assert messages == [("provisioning.callback", "published"), ("order.provisioning.completed", "published")]
    run.close()
