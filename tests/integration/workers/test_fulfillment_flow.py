"""The order-fulfillment process end to end on the embedded engine, with the real model, the
default handlers, PostgreSQL and the simulators: provisioning answers by signed HTTP callback;
devices are shipped by logistics and installations booked with field service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
from workers_support import AGENT, Flow, Tenant, effects, task_key

from oms.application.commands.order import OrderItemInput, PartyInput, PlaceOrder, place_order
from oms.application.queries.orders import get_order_plan
from oms.application.workflow import order_fulfillment_business_key
from oms.domain.catalog.demo import FIBER, INSTALLATION, ROUTER_BASIC, TV


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


def test_an_order_with_router_tv_and_installation_ships_the_devices_books_the_visit_and_completes(
    tenant: Tenant, simulators: Callable[..., str], flow: Callable[[str], Flow], admin: psycopg.Connection[Any]
) -> None:
    # given
    run = flow(simulators(provisioning={"callbackDelayMs": 20}))
    items = (
        OrderItemInput("fiber", "add", FIBER, {"downloadSpeed": 500}),
        OrderItemInput("router", "add", ROUTER_BASIC, {"acquisition": "buy"}),
        OrderItemInput("tv", "add", TV, {"channelPackage": "family", "setTopBoxes": 2}),
        OrderItemInput("install", "add", INSTALLATION, {"installationType": "technician"}),
    )
    request = PlaceOrder(items=items, related_parties=(PartyInput("customer-1", "Individual", "customer"),))
    order = tenant.run(AGENT, lambda uow: place_order(uow, request))
    assert order.state == "acknowledged", order.rejection_reasons
    # when
    run.run_until(lambda: tenant.order_state(order.id) == "completed", "the order completed")
    # then: every task completed with the reference its system gave
    plan = tenant.query(lambda uow: get_order_plan(uow, order.id))
    assert {task.state for task in plan.tasks} == {"completed"}
    shipments = {task.item_id: task for task in plan.tasks if task.task_type == "ship-device"}
    [visit] = [task for task in plan.tasks if task.task_type == "schedule-installation"]
    assert set(shipments) == {"router", "tv"}
    assert all(
        task.result is not None and task.result["externalReference"].startswith("shp-") for task in shipments.values()
    )
    assert visit.result is not None and visit.result["externalReference"].startswith("apt-")
    # each device shipped once, the visit booked once, with what the order asked for
    tv_calls = run.sim_calls("logistics", f"{order.id}:tv:ship-device:run-1")
    assert [(c["status"], c["replayed"]) for c in tv_calls] == [(201, False)]
    assert (tv_calls[-1]["body"]["deviceType"], tv_calls[-1]["body"]["characteristics"]) == (
        "ps-tv",
        {"setTopBoxes": "2"},
    )
    assert len(effects(run.sim_calls("logistics", f"{order.id}:router:ship-device:run-1"))) == 1
    [booked] = effects(run.sim_calls("field-service", f"{order.id}:install:schedule-installation:run-1"))
    assert booked["body"]["characteristics"]["installationType"] == "technician"
    ledger = admin.execute(
        "SELECT target_system, operation, status FROM external_call_attempt WHERE tenant_id = %s"
        " AND target_system IN ('logistics', 'field-service') ORDER BY task_id",
        (tenant.id,),
    ).fetchall()
    assert ledger == [
        ("field-service", "schedule", "succeeded"),
        ("logistics", "ship", "succeeded"),
        ("logistics", "ship", "succeeded"),
    ]
    instance = run.instance_of("order-fulfillment", order_fulfillment_business_key(tenant.id, order.id))
    run.harness.assert_that(instance).is_completed().has_no_incidents()
    run.close()
