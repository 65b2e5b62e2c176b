"""CancelProductOrder: assessment against the point of no return, compensation, fallout of a
compensation, and the request's lifecycle (acknowledged -> inProgress -> done | terminatedWithError)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from order_builders import CANCEL, CASE, FIBER_ITEM, NOW, customer, order_in, run, service, started

from oms.domain.fallout import FalloutCategory, FalloutStatus
from oms.domain.fulfillment import FulfillmentPlan, PlanNotClosable, TaskId, TaskState, TaskType
from oms.domain.order import (
    CANCELLATION_EDGES,
    CancellationAction,
    CancellationOutcome,
    CancellationState,
    CancelProductOrder,
    CancelProductOrderStateChanged,
    ItemState,
    OrderState,
    ProductOrder,
)
from oms.domain.shared import IllegalTransition

S, A = CancellationState, CancellationAction
RESERVE, PROVISION = TaskId("o1:i-fiber:reserve-resource"), TaskId("o1:i-fiber:provision-service")
BILL = TaskId("o1:i-fiber:activate-billing")


@dataclass
class World:
    order: ProductOrder
    plan: FulfillmentPlan
    request: CancelProductOrder
    compensation: FulfillmentPlan | None = None


def _requested(*done: TaskId) -> World:
    order, plan = started()
    if done:
        run(plan, *done)
    request = CancelProductOrder.request(customer(), order, request_id=CANCEL, reason="moved abroad", now=NOW)
    return World(order, plan, request)


def _assess(world: World) -> None:
    world.compensation = world.request.assess(service(), world.order, world.plan, now=NOW).compensation_plan


def _fail_first_compensation(world: World) -> TaskId:
    assert world.compensation is not None
    task_id = world.compensation.ready_tasks()[0].id
    world.compensation.start_task(service(), task_id, now=NOW)
    world.compensation.fail_task(service(), task_id, code="portLocked", message="port is locked", now=NOW)
    return task_id


def request_in(state: CancellationState) -> World:
    if state is S.TERMINATED_WITH_ERROR:
        world = _requested(RESERVE, PROVISION, BILL)  # billed: past the point of no return
        _assess(world)
    else:
        world = _requested(RESERVE, PROVISION)
        if state is not S.ACKNOWLEDGED:
            _assess(world)
        if state is S.DONE:
            assert world.compensation is not None
            run(world.compensation)
            world.request.finish(service(), world.order, world.compensation, now=NOW)
    assert world.request.state is state
    world.request.pull_events()
    return world


def _record(world: World) -> None:
    compensation = world.compensation
    runnable = compensation is not None and compensation.ready_tasks()
    task_id = _fail_first_compensation(world) if runnable else TaskId("none")
    world.request.open_compensation_fallout(
        service(), world.order, compensation or world.plan, task_id=task_id, case_id=CASE, now=NOW
    )


def _finish(world: World) -> None:
    if world.compensation is not None and world.compensation.ready_tasks():
        run(world.compensation)
    world.request.finish(service(), world.order, world.compensation or world.plan, now=NOW)


COMMANDS: dict[CancellationAction, Callable[[World], object]] = {
    A.ASSESS: _assess,
    A.RECORD_FALLOUT: _record,
    A.CLEAR_FALLOUT: lambda w: w.request.clear_compensation_fallout(service(), w.order, case_id=CASE, now=NOW),
    A.FINISH: _finish,
}
ALLOWED = {
    (S.ACKNOWLEDGED, A.ASSESS): S.IN_PROGRESS,  # accepted: compensation to run
    (S.IN_PROGRESS, A.RECORD_FALLOUT): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.CLEAR_FALLOUT): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.FINISH): S.DONE,
}
PAIRS = [(state, action) for state in CancellationState for action in CancellationAction]


@pytest.mark.parametrize(("state", "action"), PAIRS, ids=[f"{s}-{a}" for s, a in PAIRS])
def test_every_request_state_and_command_pair(state: CancellationState, action: CancellationAction) -> None:
    # given
    world = request_in(state)
    version = world.request.version
    # when / then
    if (state, action) in ALLOWED:
        COMMANDS[action](world)
        assert world.request.state is ALLOWED[state, action]
        assert world.request.version == version + 1
    else:
        with pytest.raises(IllegalTransition) as raised:
            COMMANDS[action](world)
        assert raised.value.details["from_state"] == state
        assert (world.request.state, world.request.version) == (state, version)


def test_requesting_moves_the_order_to_assessing_cancellation() -> None:
    # when
    world = _requested()
    # then
    assert world.request.state is S.ACKNOWLEDGED
    assert world.order.state is OrderState.ASSESSING_CANCELLATION
    assert {i.state for i in world.order.items} == {ItemState.ASSESSING_CANCELLATION}


def test_an_acknowledged_order_cannot_be_cancelled_before_treatment_starts() -> None:
    # given: the picture has no edge acknowledged -> assessingCancellation
    order, _ = order_in(OrderState.ACKNOWLEDGED)
    # when / then
    with pytest.raises(IllegalTransition):
        CancelProductOrder.request(customer(), order, request_id=CANCEL, reason="r", now=NOW)


def test_before_the_point_of_no_return_the_cancellation_is_accepted_and_work_undone_in_reverse() -> None:
    # given
    world = _requested(RESERVE, PROVISION)
    # when
    assessment = world.request.assess(service(), world.order, world.plan, now=NOW)
    # then
    assert assessment.accepted and world.request.outcome is CancellationOutcome.ACCEPTED
    assert world.order.state is OrderState.PENDING_CANCELLATION
    compensation = assessment.compensation_plan
    assert compensation is not None and world.request.compensation_plan_id == compensation.id
    assert [t.task_type for t in compensation.tasks] == [TaskType.DEPROVISION_SERVICE, TaskType.RELEASE_RESOURCE]
    assert world.plan.task(BILL).state is TaskState.SKIPPED and BILL in assessment.skipped_tasks


def test_after_the_point_of_no_return_the_cancellation_is_refused_and_the_order_resumes() -> None:
    # given
    world = _requested(RESERVE, PROVISION, BILL)
    # when
    assessment = world.request.assess(service(), world.order, world.plan, now=NOW)
    # then
    assert not assessment.accepted and assessment.blocking_tasks == (BILL,)
    assert world.request.state is S.TERMINATED_WITH_ERROR
    assert world.request.outcome is CancellationOutcome.REFUSED and BILL in world.request.outcome_reason
    assert world.order.state is OrderState.IN_PROGRESS
    moves = [
        (e.previous_state, e.state)
        for e in world.request.pull_events()
        if isinstance(e, CancelProductOrderStateChanged)
    ]
    assert moves == [("acknowledged", "inProgress"), ("inProgress", "terminatedWithError")]


def test_with_nothing_done_the_cancellation_is_done_at_once() -> None:
    # given
    world = _requested()
    # when
    world.request.assess(service(), world.order, world.plan, now=NOW)
    # then
    assert world.request.state is S.DONE and world.request.effective_cancellation_date == NOW
    assert world.order.state is OrderState.CANCELLED


def test_the_order_is_cancelled_when_the_compensation_finishes() -> None:
    # given
    world = request_in(S.IN_PROGRESS)
    assert world.compensation is not None
    run(world.compensation)
    # when
    world.request.finish(service(), world.order, world.compensation, now=NOW)
    # then
    assert (world.request.state, world.order.state) == (S.DONE, OrderState.CANCELLED)
    assert world.order.cancellation_date == NOW and world.order.cancellation_reason == "moved abroad"


def test_a_failed_compensation_opens_a_fallout_case_and_blocks_finishing() -> None:
    # given
    world = request_in(S.IN_PROGRESS)
    task_id = _fail_first_compensation(world)
    assert world.compensation is not None
    # when
    case = world.request.open_compensation_fallout(
        service(), world.order, world.compensation, task_id=task_id, case_id=CASE, now=NOW
    )
    # then
    assert case.category is FalloutCategory.COMPENSATION_FAILED and case.status is FalloutStatus.OPEN
    assert world.request.fallout_case_ids == (CASE,) and world.order.fallout_holds[0].item_id == FIBER_ITEM
    with pytest.raises(PlanNotClosable):
        world.request.finish(service(), world.order, world.compensation, now=NOW)


def test_every_state_change_of_the_request_is_an_edge_of_the_picture() -> None:
    # then
    moves = {(S.ACKNOWLEDGED, S.IN_PROGRESS), (S.IN_PROGRESS, S.DONE), (S.IN_PROGRESS, S.TERMINATED_WITH_ERROR)}
    assert moves == set(CANCELLATION_EDGES)
