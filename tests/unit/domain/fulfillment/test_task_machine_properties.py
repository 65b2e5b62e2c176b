"""Random command sequences on a plan's tasks: every state change is an edge of the task
machine, completed and skipped tasks never change again, and the plan stays valid."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_builders import NOW, demo_items, new_plan, operator, service

from oms.domain.fulfillment import (
    TASK_EDGES,
    DependenciesNotDone,
    EvidenceRequired,
    FulfillmentPlan,
    TaskId,
    TaskOutcome,
    TaskState,
)
from oms.domain.fulfillment.graph import find_cycle
from oms.domain.shared import IllegalTransition

Command = Callable[[FulfillmentPlan, TaskId], TaskOutcome]
COMMANDS: list[Command] = [
    lambda p, t: p.start_task(service(), t, now=NOW),
    lambda p, t: p.record_external_request(service(), t, now=NOW),
    lambda p, t: p.complete_task(service(), t, external_reference="x", now=NOW),
    lambda p, t: p.fail_task(service(), t, code="c", message="m", now=NOW),
    lambda p, t: p.record_technical_failure(service(), t, code="c", message="m", now=NOW),
    lambda p, t: p.skip_task(operator(), t, reason="r", now=NOW),
    lambda p, t: p.retry_task(operator(), t, now=NOW),
    lambda p, t: p.complete_task_manually(operator(), t, evidence="e", now=NOW),
    lambda p, t: p.complete_task_manually(operator(), t, evidence="", now=NOW),
]


# database=None: no example database written into the source tree; max_examples keeps the folder fast.
@settings(max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 11), st.integers(0, len(COMMANDS) - 1)), max_size=60))
def test_random_commands_move_tasks_only_along_the_edges(steps: list[tuple[int, int]]) -> None:
    # given
    plan = new_plan(demo_items())
    ids = plan.task_ids
    for task_index, command_index in steps:
        task_id = ids[task_index % len(ids)]
        before = plan.task(task_id)
        # when
        try:
            COMMANDS[command_index](plan, task_id)
        except (IllegalTransition, DependenciesNotDone, EvidenceRequired):
            assert plan.task(task_id) == before  # a refused command changes nothing
        # then
        after = plan.task(task_id)
        if after.state is not before.state:
            assert (before.state, after.state) in TASK_EDGES
        if before.state in (TaskState.COMPLETED, TaskState.SKIPPED):
            assert after == before  # final states are absorbing
    assert find_cycle(plan.dependency_graph()) == ()
