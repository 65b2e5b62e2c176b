"""Decomposition with the demo rule set: which tasks, in which order, with which parameters."""

from __future__ import annotations

import pytest
from plan_builders import ORDER, RULES, demo_items, ditem, fiber, tid

from oms.domain.catalog.demo import FIBER, FIBER_TV_BUNDLE, INSTALLATION, ROUTER_BASIC, STATIC_IP, TV
from oms.domain.fulfillment import (
    TASK_TYPES,
    DecompositionItem,
    NoDecompositionRule,
    ProductChange,
    TargetSystem,
    TaskSpec,
    TaskType,
    plan_tasks,
)
from oms.domain.shared.ids import OfferingId, OrderItemId, SpecificationId

ADD, MODIFY, DELETE = ProductChange.ADD, ProductChange.MODIFY, ProductChange.DELETE


def _by_id(specs: tuple[TaskSpec, ...]) -> dict[str, TaskSpec]:
    return {spec.id: spec for spec in specs}


def test_fiber_is_reserved_then_provisioned_then_billed() -> None:
    # given
    items = [fiber("1")]
    # when
    specs = plan_tasks(ORDER, items, RULES)
    # then
    assert [(s.task_type, s.depends_on) for s in specs] == [
        (TaskType.RESERVE_RESOURCE, ()),
        (TaskType.PROVISION_SERVICE, (tid("1", "reserve-resource"),)),
        (TaskType.ACTIVATE_BILLING, (tid("1", "provision-service"),)),
    ]


def test_task_ids_derive_from_order_item_and_task_type() -> None:
    # when
    specs = plan_tasks(ORDER, [fiber("7")], RULES)
    # then
    assert [s.id for s in specs] == ["o1:7:reserve-resource", "o1:7:provision-service", "o1:7:activate-billing"]


def test_static_ip_is_provisioned_after_the_fiber_line_of_the_same_order() -> None:
    # given
    items = [fiber("1"), ditem("2", STATIC_IP, characteristics={"addressCount": 2})]
    # when
    specs = _by_id(plan_tasks(ORDER, items, RULES))
    # then
    assert specs[tid("2", "provision-service")].depends_on == (
        tid("2", "reserve-resource"),
        tid("1", "provision-service"),
    )


def test_static_ip_waits_for_no_fiber_when_the_order_brings_none() -> None:
    # given: the customer already has a fiber line
    items = [ditem("2", STATIC_IP, characteristics={"addressCount": 2})]
    # when
    specs = _by_id(plan_tasks(ORDER, items, RULES))
    # then
    assert specs[tid("2", "provision-service")].depends_on == (tid("2", "reserve-resource"),)


def test_tv_waits_for_the_fiber_line_and_ships_set_top_boxes_before_billing() -> None:
    # when
    specs = _by_id(plan_tasks(ORDER, demo_items(), RULES))
    # then
    assert specs[tid("2", "provision-service")].depends_on == (tid("1", "provision-service"),)
    assert specs[tid("2", "activate-billing")].depends_on == (tid("2", "provision-service"), tid("2", "ship-device"))


def test_installation_is_scheduled_once_the_fiber_port_is_reserved() -> None:
    # when
    specs = _by_id(plan_tasks(ORDER, demo_items(), RULES))
    # then
    assert specs[tid("4", "schedule-installation")].depends_on == (tid("1", "reserve-resource"),)


def test_a_fiber_being_modified_gives_other_items_nothing_to_wait_for() -> None:
    # given: the fiber item is a modify, which has no provision-service task
    items = [fiber("1", change=MODIFY), ditem("2", TV, characteristics={"channelPackage": "basic"})]
    # when
    specs = _by_id(plan_tasks(ORDER, items, RULES))
    # then
    assert specs[tid("2", "provision-service")].depends_on == ()


def test_router_is_reserved_shipped_and_then_billed() -> None:
    # when
    specs = plan_tasks(ORDER, [ditem("3", ROUTER_BASIC, characteristics={"acquisition": "buy"})], RULES)
    # then
    assert [s.task_type for s in specs] == [TaskType.RESERVE_RESOURCE, TaskType.SHIP_DEVICE, TaskType.ACTIVATE_BILLING]


def test_modify_changes_the_service_then_the_billing() -> None:
    # when
    specs = plan_tasks(ORDER, [fiber("1", speed=1000, change=MODIFY)], RULES)
    # then
    assert [(s.task_type, s.depends_on) for s in specs] == [
        (TaskType.MODIFY_SERVICE, ()),
        (TaskType.UPDATE_BILLING, (tid("1", "modify-service"),)),
    ]


def test_delete_stops_billing_before_deprovisioning_and_releasing() -> None:
    # when
    specs = plan_tasks(ORDER, [fiber("1", change=DELETE)], RULES)
    # then
    assert [(s.task_type, s.depends_on) for s in specs] == [
        (TaskType.DEACTIVATE_BILLING, ()),
        (TaskType.DEPROVISION_SERVICE, (tid("1", "deactivate-billing"),)),
        (TaskType.RELEASE_RESOURCE, (tid("1", "deprovision-service"),)),
    ]


def test_no_change_items_and_bundles_have_no_tasks() -> None:
    # given
    items = [fiber("1", change=ADD), ditem("9", FIBER, None), ditem("10", FIBER_TV_BUNDLE)]
    # when
    specs = plan_tasks(ORDER, items, RULES)
    # then
    assert {s.item_id for s in specs} == {"1"}


@pytest.mark.parametrize(
    ("offering", "change"),
    [(INSTALLATION, MODIFY), (INSTALLATION, DELETE), (OfferingId("po-unknown"), ADD)],
)
def test_an_item_without_a_rule_cannot_be_decomposed(offering: OfferingId, change: ProductChange) -> None:
    # given
    specification = SpecificationId("ps-installation") if offering == INSTALLATION else None
    item = DecompositionItem(OrderItemId("1"), change, offering, specification)
    # when / then
    with pytest.raises(NoDecompositionRule) as raised:
        plan_tasks(ORDER, [item], RULES)
    assert raised.value.details["item_id"] == "1"


def test_tasks_get_only_the_characteristics_their_rule_names() -> None:
    # when
    specs = _by_id(plan_tasks(ORDER, [fiber("1", speed=1000)], RULES))
    # then
    assert dict(specs[tid("1", "reserve-resource")].parameters) == {"@quantity": "1", "technology": "GPON"}
    assert dict(specs[tid("1", "provision-service")].parameters) == {
        "@quantity": "1",
        "downloadSpeed": "1000",
        "technology": "GPON",
    }


def test_billing_tasks_carry_the_item_charges() -> None:
    # when
    specs = _by_id(plan_tasks(ORDER, [fiber("1")], RULES))
    # then
    assert dict(specs[tid("1", "activate-billing")].parameters) == {
        "@quantity": "1",
        "@price.oneTime": "0.00 EUR",
        "@price.recurringMonthly": "39.99 EUR",
    }


def test_tasks_on_an_existing_product_name_the_product() -> None:
    # when
    specs = plan_tasks(ORDER, [fiber("1", change=DELETE)], RULES)
    # then
    assert all(dict(s.parameters)["@productId"] == "prod-1" for s in specs)


@pytest.mark.parametrize(
    ("task_type", "system", "ponr"),
    [
        (TaskType.RESERVE_RESOURCE, TargetSystem.INVENTORY, False),
        (TaskType.PROVISION_SERVICE, TargetSystem.PROVISIONING, False),
        (TaskType.ACTIVATE_BILLING, TargetSystem.BILLING, True),
        (TaskType.SHIP_DEVICE, TargetSystem.LOGISTICS, True),
        (TaskType.SCHEDULE_INSTALLATION, TargetSystem.FIELD_SERVICE, True),
        (TaskType.RELEASE_RESOURCE, TargetSystem.INVENTORY, True),
        (TaskType.DEPROVISION_SERVICE, TargetSystem.PROVISIONING, False),
        (TaskType.DEACTIVATE_BILLING, TargetSystem.BILLING, False),
    ],
)
def test_each_task_type_has_its_target_system_and_point_of_no_return(
    task_type: TaskType, system: TargetSystem, ponr: bool
) -> None:
    # when
    spec = TASK_TYPES[task_type]
    # then
    assert (spec.target_system, spec.point_of_no_return) == (system, ponr)


def test_every_task_type_but_the_cancellations_has_a_compensation() -> None:
    # then
    no_compensation = {t for t, spec in TASK_TYPES.items() if spec.compensation is None}
    assert no_compensation == {TaskType.CANCEL_SHIPMENT, TaskType.CANCEL_INSTALLATION}
