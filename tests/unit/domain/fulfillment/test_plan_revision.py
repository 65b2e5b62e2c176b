"""Revising a plan for an amended order: kept, superseded, compensated, redone, added."""

from __future__ import annotations

import pytest
from plan_builders import NOW, ORDER, RULES, complete, ditem, fiber, new_plan, operator, service, start, tid

from oms.domain.catalog.demo import STATIC_IP
from oms.domain.fulfillment import (
    PointOfNoReturnPassed,
    ProductChange,
    StaleRevision,
    TaskState,
    TaskType,
    plan_tasks,
    revise_plan,
)

RESERVE, PROVISION, BILL = tid("1", "reserve-resource"), tid("1", "provision-service"), tid("1", "activate-billing")
SCOPE = "amendment-a1"


def test_the_same_order_revises_nothing() -> None:
    # given
    plan = new_plan([fiber("1")])
    complete(plan, RESERVE)
    # when
    revision = revise_plan(plan, plan_tasks(ORDER, [fiber("1")], RULES), scope=SCOPE)
    # then
    assert revision.is_empty and revision.allowed
    assert revision.kept == (RESERVE, PROVISION, BILL)


def test_a_change_before_provisioning_keeps_the_reservation_and_redoes_provisioning() -> None:
    # given: the port is reserved; the speed changes (the reservation depends only on the technology)
    plan = new_plan([fiber("1", speed=500)])
    complete(plan, RESERVE)
    # when
    revision = revise_plan(plan, plan_tasks(ORDER, [fiber("1", speed=1000)], RULES), scope=SCOPE)
    # then
    redo = tid("1", "provision-service:amendment-a1")
    assert revision.kept == (RESERVE, BILL)
    assert revision.superseded == (PROVISION,) and revision.compensated == ()
    assert [(s.id, s.depends_on) for s in revision.added] == [(redo, (RESERVE,))]
    assert revision.rewired == ((BILL, (redo,)),)  # billing now waits for the new provisioning


def test_a_change_after_provisioning_undoes_it_first_then_redoes_it() -> None:
    # given
    plan = new_plan([fiber("1", speed=500)])
    complete(plan, RESERVE, PROVISION)
    # when
    revision = revise_plan(plan, plan_tasks(ORDER, [fiber("1", speed=1000)], RULES), scope=SCOPE)
    # then
    undo = tid("1", "deprovision-service:amendment-a1-undo")
    redo = tid("1", "provision-service:amendment-a1")
    assert revision.compensated == (PROVISION,)
    assert [(s.id, s.depends_on, s.compensates) for s in revision.added] == [
        (undo, (), PROVISION),
        (redo, (RESERVE, undo), None),
    ]


def test_a_removed_item_is_undone_where_it_took_effect_and_dropped_elsewhere() -> None:
    # given
    plan = new_plan([fiber("1"), ditem("2", STATIC_IP, characteristics={"addressCount": 1})])
    complete(plan, tid("2", "reserve-resource"))
    # when
    revision = revise_plan(plan, plan_tasks(ORDER, [fiber("1")], RULES), scope=SCOPE)
    # then
    assert revision.compensated == (tid("2", "reserve-resource"),)
    assert set(revision.superseded) == {tid("2", "provision-service"), tid("2", "activate-billing")}
    assert [s.task_type for s in revision.added] == [TaskType.RELEASE_RESOURCE]


def test_a_new_item_gets_its_tasks_under_their_usual_ids() -> None:
    # given
    plan = new_plan([fiber("1")])
    items = [fiber("1"), ditem("2", STATIC_IP, characteristics={"addressCount": 1})]
    # when
    revision = revise_plan(plan, plan_tasks(ORDER, items, RULES), scope=SCOPE)
    # then
    assert [s.id for s in revision.added] == [
        tid("2", "reserve-resource"),
        tid("2", "provision-service"),
        tid("2", "activate-billing"),
    ]


def test_a_change_that_would_undo_a_task_past_its_point_of_no_return_is_not_allowed() -> None:
    # given: billed already; a new price would mean undoing the activation
    plan = new_plan([fiber("1")])
    complete(plan, RESERVE, PROVISION, BILL)
    # when
    revision = revise_plan(plan, plan_tasks(ORDER, [fiber("1", speed=1000, monthly="49.99")], RULES), scope=SCOPE)
    # then
    assert not revision.allowed and revision.irreversible == (BILL,)
    with pytest.raises(PointOfNoReturnPassed):
        plan.apply_revision(service(), revision, now=NOW)


def test_applying_a_revision_supersedes_and_adds_tasks() -> None:
    # given
    plan = new_plan([fiber("1", speed=500)])
    complete(plan, RESERVE, PROVISION)
    revision = revise_plan(plan, plan_tasks(ORDER, [fiber("1", speed=1000)], RULES), scope=SCOPE)
    # when
    plan.apply_revision(service(), revision, now=NOW)
    # then
    assert plan.revision == 2
    assert plan.task(tid("1", "deprovision-service:amendment-a1-undo")).state is TaskState.PENDING
    assert {t.id for t in plan.ready_tasks()} == {tid("1", "deprovision-service:amendment-a1-undo")}


def test_a_revision_computed_on_an_older_plan_is_refused() -> None:
    # given
    plan = new_plan([fiber("1", speed=500)])
    revision = revise_plan(plan, plan_tasks(ORDER, [fiber("1", speed=1000)], RULES), scope=SCOPE)
    start(plan, RESERVE)  # a worker moved on meanwhile
    # when / then
    with pytest.raises(StaleRevision):
        plan.apply_revision(service(), revision, now=NOW)


def test_what_runs_recorded_on_a_task_does_not_make_an_amendment_redo_it() -> None:
    # given: provisioning was retried with an operator's correction and completed; a modification
    # recorded the values it changed from
    plan = new_plan([fiber("1"), fiber("2", speed=1000, change=ProductChange.MODIFY)])
    complete(plan, RESERVE)
    start(plan, PROVISION)
    plan.fail_task(service(), PROVISION, code="noCapacity", message="no capacity", now=NOW)
    plan.retry_task(operator(), PROVISION, now=NOW, corrections={"technology": "XGS-PON"})
    complete(plan, PROVISION)
    modify = tid("2", "modify-service")
    start(plan, modify, send=False)
    plan.record_previous_values(service(), modify, values={"downloadSpeed": "300"}, now=NOW)
    # when: the same items again
    target = plan_tasks(ORDER, [fiber("1"), fiber("2", speed=1000, change=ProductChange.MODIFY)], RULES)
    revision = revise_plan(plan, target, scope=SCOPE)
    # then
    assert revision.is_empty
    assert PROVISION in revision.kept and modify in revision.kept
