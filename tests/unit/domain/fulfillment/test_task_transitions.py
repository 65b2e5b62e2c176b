"""Every (task state, command) pair: the new state, an "already …" answer that changes nothing,
or IllegalTransition naming the state. The same table is in docs/domain-order.md."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from plan_builders import NOW, ditem, drive, new_plan, operator, service, tid

from oms.domain.catalog.demo import ROUTER_BASIC
from oms.domain.fulfillment import (
    TASK_EDGES,
    Answer,
    FulfillmentPlan,
    ProductChange,
    TaskCommand,
    TaskOutcome,
    TaskState,
)
from oms.domain.shared import IllegalTransition

S, C = TaskState, TaskCommand
TASK = tid("3", "update-billing")


def _plan_with_task_in(state: TaskState) -> FulfillmentPlan:
    # A router modification: one task (update-billing), no dependencies.
    plan = new_plan([ditem("3", ROUTER_BASIC, ProductChange.MODIFY, {"acquisition": "buy"}, product_id="p3")])
    drive(plan, TASK, state)
    plan.pull_events()
    return plan


COMMANDS: dict[TaskCommand, Callable[[FulfillmentPlan], TaskOutcome]] = {
    C.START: lambda p: p.start_task(service(), TASK, now=NOW),
    C.RECORD_REQUEST: lambda p: p.record_external_request(service(), TASK, now=NOW),
    C.COMPLETE: lambda p: p.complete_task(service(), TASK, external_reference="ext-2", now=NOW),
    C.FAIL_BUSINESS: lambda p: p.fail_task(service(), TASK, code="x", message="no", now=NOW),
    C.FAIL_TECHNICAL: lambda p: p.record_technical_failure(service(), TASK, code="timeout", message="", now=NOW),
    C.SKIP: lambda p: p.skip_task(operator(), TASK, reason="not needed", now=NOW),
    C.RETRY: lambda p: p.retry_task(operator(), TASK, now=NOW),
    C.COMPLETE_MANUALLY: lambda p: p.complete_task_manually(operator(), TASK, evidence="done by hand", now=NOW),
}

APPLIED: dict[tuple[TaskState, TaskCommand], TaskState] = {
    (S.PENDING, C.START): S.IN_PROGRESS,
    (S.PENDING, C.SKIP): S.SKIPPED,
    (S.IN_PROGRESS, C.RECORD_REQUEST): S.IN_PROGRESS,
    (S.IN_PROGRESS, C.COMPLETE): S.COMPLETED,
    (S.IN_PROGRESS, C.FAIL_BUSINESS): S.FAILED,
    (S.IN_PROGRESS, C.FAIL_TECHNICAL): S.IN_PROGRESS,
    (S.FAILED, C.SKIP): S.SKIPPED,
    (S.FAILED, C.RETRY): S.PENDING,
    (S.FAILED, C.COMPLETE_MANUALLY): S.COMPLETED,
}
ALREADY: dict[tuple[TaskState, TaskCommand], Answer] = {
    (S.IN_PROGRESS, C.START): Answer.ALREADY_IN_PROGRESS,
    (S.SKIPPED, C.START): Answer.ALREADY_SKIPPED,
    **{
        (S.COMPLETED, c): Answer.ALREADY_COMPLETED
        for c in (C.START, C.RECORD_REQUEST, C.COMPLETE, C.FAIL_BUSINESS, C.FAIL_TECHNICAL)
    },
}

PAIRS = [(state, command) for state in TaskState for command in TaskCommand]


@pytest.mark.parametrize(("state", "command"), PAIRS, ids=[f"{s}-{c}" for s, c in PAIRS])
def test_every_task_state_and_command_pair(state: TaskState, command: TaskCommand) -> None:
    # given
    plan = _plan_with_task_in(state)
    before = plan.task(TASK)
    version = plan.version
    # when / then
    if (state, command) in APPLIED:
        outcome = COMMANDS[command](plan)
        assert outcome.answer is Answer.APPLIED
        assert plan.task(TASK).state is APPLIED[state, command]
        assert plan.version == version + 1
    elif (state, command) in ALREADY:
        outcome = COMMANDS[command](plan)
        assert outcome.answer is ALREADY[state, command]
        assert plan.task(TASK) == before and plan.version == version and plan.pull_events() == []
    else:
        with pytest.raises(IllegalTransition) as raised:
            COMMANDS[command](plan)
        assert raised.value.from_state == state
        assert plan.task(TASK) == before and plan.version == version


def test_every_state_change_of_the_table_is_an_edge_of_the_task_machine() -> None:
    # then
    assert {(s, t) for (s, _), t in APPLIED.items() if s is not t} == set(TASK_EDGES)
