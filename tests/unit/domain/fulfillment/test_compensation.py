"""Compensation for a cancellation: what is undone, in which order, and when it is refused."""

from __future__ import annotations

import pytest
from plan_builders import NOW, cancellation_id, complete, ditem, fiber, new_plan, service, start, tid

from oms.domain.catalog.demo import ROUTER_BASIC
from oms.domain.fulfillment import (
    FulfillmentPlan,
    PlanPurpose,
    PointOfNoReturnPassed,
    ProductChange,
    TaskType,
    compensation_plan,
    tasks_to_compensate,
)
from oms.domain.shared import IllegalTransition

RESERVE, PROVISION = tid("1", "reserve-resource"), tid("1", "provision-service")


def _compensate(plan: FulfillmentPlan) -> FulfillmentPlan:
    return compensation_plan(service(), plan, plan_id=cancellation_id(plan), scope="cancellation-c1", now=NOW)


def test_completed_tasks_are_undone_in_reverse_dependency_order() -> None:
    # given
    plan = new_plan([fiber("1")])
    complete(plan, RESERVE, PROVISION)
    # when
    compensation = _compensate(plan)
    # then
    assert [(t.task_type, t.compensates, t.depends_on) for t in compensation.tasks] == [
        (TaskType.DEPROVISION_SERVICE, PROVISION, ()),
        (TaskType.RELEASE_RESOURCE, RESERVE, (tid("1", "deprovision-service:cancellation-c1"),)),
    ]
    assert compensation.purpose is PlanPurpose.COMPENSATION and compensation.compensates_plan == plan.id


def test_compensating_tasks_get_the_parameters_of_the_task_they_undo() -> None:
    # given
    plan = new_plan([fiber("1")])
    complete(plan, RESERVE)
    # when
    (release,) = _compensate(plan).tasks
    # then
    assert release.parameters == plan.task(RESERVE).parameters


def test_a_task_in_flight_is_undone_too_since_it_may_have_taken_effect() -> None:
    # given
    plan = new_plan([fiber("1")])
    complete(plan, RESERVE)
    start(plan, PROVISION)  # the request was sent, no answer yet
    # when
    compensation = _compensate(plan)
    # then
    assert [t.compensates for t in compensation.tasks] == [PROVISION, RESERVE]


def test_a_task_started_but_never_sent_has_nothing_to_undo() -> None:
    # given
    plan = new_plan([fiber("1")])
    start(plan, RESERVE, send=False)
    # when
    to_undo = tasks_to_compensate(plan.tasks)
    # then
    assert to_undo == ()


def test_nothing_done_gives_an_empty_compensation_plan_that_can_close_at_once() -> None:
    # when
    compensation = _compensate(new_plan())
    # then
    assert compensation.tasks == () and compensation.can_close()


def test_refused_once_a_point_of_no_return_task_is_completed() -> None:
    # given
    plan = new_plan([ditem("3", ROUTER_BASIC, characteristics={"acquisition": "rent"})])
    complete(plan, tid("3", "reserve-resource"), tid("3", "ship-device"))
    # when / then
    with pytest.raises(PointOfNoReturnPassed) as raised:
        _compensate(plan)
    assert raised.value.details["task_ids"] == [tid("3", "ship-device")]


def test_refused_while_a_point_of_no_return_task_is_in_flight() -> None:
    # given: the device may already be on its way
    plan = new_plan([ditem("3", ROUTER_BASIC, characteristics={"acquisition": "rent"})])
    complete(plan, tid("3", "reserve-resource"))
    start(plan, tid("3", "ship-device"))
    # when / then
    with pytest.raises(PointOfNoReturnPassed):
        _compensate(plan)


MODIFY, UPDATE = tid("1", "modify-service"), tid("1", "update-billing")


def test_a_modification_is_undone_by_sending_back_the_values_it_changed_from() -> None:
    # given: a delivered line changed from 300 to 1000 Mbit/s; the values before were recorded
    plan = new_plan([fiber("1", speed=1000, change=ProductChange.MODIFY)])
    start(plan, MODIFY, send=False)
    plan.record_previous_values(service(), MODIFY, values={"downloadSpeed": "300", "technology": "GPON"}, now=NOW)
    plan.record_external_request(service(), MODIFY, now=NOW)
    plan.complete_task(service(), MODIFY, external_reference="svc-1", now=NOW)
    # when
    [undo] = _compensate(plan).tasks
    # then: the compensation changes back, keeping the plan's own parameters (the product)
    assert (undo.task_type, undo.compensates) == (TaskType.MODIFY_SERVICE, MODIFY)
    assert dict(undo.characteristics) == {"downloadSpeed": "300", "technology": "GPON"}
    assert undo.parameter_map["@productId"] == "prod-1"
    assert not undo.previous_values


def test_a_modification_without_recorded_values_sends_nothing_it_would_have_to_guess() -> None:
    # given: a modification in flight whose previous values nobody recorded
    plan = new_plan([fiber("1", speed=1000, change=ProductChange.MODIFY)])
    start(plan, MODIFY)
    # when
    [undo] = _compensate(plan).tasks
    # then: not the new values again
    assert dict(undo.characteristics) == {}


def test_the_values_before_are_recorded_once_and_only_for_what_the_task_changes() -> None:
    # given
    plan = new_plan([fiber("1", speed=1000, change=ProductChange.MODIFY)])
    start(plan, MODIFY, send=False)
    # when
    first = plan.record_previous_values(service(), MODIFY, values={"downloadSpeed": "300", "unrelated": "x"}, now=NOW)
    again = plan.record_previous_values(service(), MODIFY, values={"downloadSpeed": "500"}, now=NOW)
    # then
    assert dict(first.previous_values) == {"downloadSpeed": "300"} == dict(again.previous_values)
    assert [type(e).__name__ for e in plan.pull_events()][-1] == "PreviousValuesRecorded"
    assert dict(plan.task(MODIFY).characteristics) == {"downloadSpeed": "1000", "technology": "GPON"}


def test_only_change_tasks_record_what_they_change_from() -> None:
    # given
    plan = new_plan([fiber("1")])
    # when / then
    with pytest.raises(IllegalTransition):
        plan.record_previous_values(service(), RESERVE, values={"technology": "GPON"}, now=NOW)
