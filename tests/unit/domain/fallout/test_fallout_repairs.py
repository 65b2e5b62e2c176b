"""Repairs by operators: they act through the plan's commands and never bypass its rules."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from domain_builders import agent, approver, customer
from fallout_builders import CASE, NOW, PROVISION, RESERVE, fail_reservation, fiber_plan, open_case, operator, service

from oms.domain.fallout import (
    FalloutCase,
    FalloutCaseCancelled,
    FalloutCaseOpened,
    FalloutCaseResolved,
    FalloutCategory,
    FalloutStatus,
    ReasonRequired,
    RepairKind,
    RepairNotApplicable,
    TaskNotFailed,
    WrongPlan,
)
from oms.domain.fulfillment import (
    EvidenceRequired,
    FulfillmentPlan,
    PlanId,
    PlanPurpose,
    ProtectedParameters,
    TaskState,
)
from oms.domain.shared import Actor, IllegalTransition, NotAuthorized


def test_a_case_opens_for_a_failed_task_with_its_error_as_reason_and_repair_data() -> None:
    # given
    plan = fiber_plan()
    fail_reservation(plan)
    # when
    case = FalloutCase.open(
        service(), case_id=CASE, plan=plan, task_id=RESERVE, category=FalloutCategory.RESOURCE_UNAVAILABLE, now=NOW
    )
    # then
    assert (case.status, case.order_id, case.task_id, case.item_id) == (FalloutStatus.OPEN, "o1", RESERVE, "1")
    assert case.reason == "no free port at the street cabinet"
    assert dict(case.repair_data) == {"cabinet": "C-12"}
    assert isinstance(case.pull_events()[0], FalloutCaseOpened)


def test_a_case_cannot_open_for_a_task_that_did_not_fail() -> None:
    # when / then
    with pytest.raises(TaskNotFailed):
        FalloutCase.open(
            service(), case_id=CASE, plan=fiber_plan(), task_id=RESERVE, category=FalloutCategory.OTHER, now=NOW
        )


def test_retry_puts_the_task_back_for_a_new_run_and_resolves_the_case() -> None:
    # given
    case, plan = open_case()
    # when
    case.retry_task(operator(), plan, now=NOW)
    # then
    task = plan.task(RESERVE)
    assert (task.state, task.run) == (TaskState.PENDING, 2)
    assert case.status is FalloutStatus.RESOLVED
    assert case.repair is not None and (case.repair.kind, case.repair.repaired_by) == (RepairKind.RETRY, operator().id)
    assert isinstance(case.pull_events()[-1], FalloutCaseResolved)


def test_retry_runs_the_task_with_the_operators_repair_data_over_its_parameters() -> None:
    # given: the reservation failed (details: cabinet C-12); the operator corrects the cabinet
    # and gives the port
    case, plan = open_case()
    original = plan.task(RESERVE).characteristics
    case.update_repair_data(operator(), data={"cabinet": "C-13", "port": "7"}, now=NOW)
    # when
    case.retry_task(operator(), plan, now=NOW)
    # then: the new run (a new idempotency key) sends the corrected data
    task = plan.task(RESERVE)
    assert dict(task.characteristics) == {**original, "cabinet": "C-13", "port": "7"}
    plan.start_task(service(), RESERVE, now=NOW)
    request = plan.record_external_request(service(), RESERVE, now=NOW).request
    assert request is not None and request.idempotency_key == f"{RESERVE}:run-2"


def test_the_failures_own_details_are_not_sent_by_the_retry_unless_corrected() -> None:
    # given: the case's repair data is the failure's details (cabinet C-12), nobody changed it
    case, plan = open_case()
    original = plan.task(RESERVE).parameters
    # when
    case.retry_task(operator(), plan, now=NOW)
    # then
    assert plan.task(RESERVE).parameters == original
    assert dict(case.repair_data) == {"cabinet": "C-12"}


def test_repair_data_cannot_name_the_plans_own_parameters() -> None:
    # given
    case, _ = open_case()
    # when / then
    with pytest.raises(ProtectedParameters):
        case.update_repair_data(operator(), data={"@price.oneTime": "0"}, now=NOW)
    assert dict(case.repair_data) == {"cabinet": "C-12"} and case.version == 0


def test_manual_completion_records_the_evidence_on_task_and_case() -> None:
    # given
    case, plan = open_case()
    # when
    case.complete_task_manually(operator(), plan, evidence="port 7 patched on site, ticket F-991", now=NOW)
    # then
    result = plan.task(RESERVE).result
    assert result is not None and result.manual_evidence == "port 7 patched on site, ticket F-991"
    assert case.repair is not None and case.repair.evidence == result.manual_evidence


def test_manual_completion_without_evidence_is_refused_and_changes_nothing() -> None:
    # given
    case, plan = open_case()
    # when / then
    with pytest.raises(EvidenceRequired):
        case.complete_task_manually(operator(), plan, evidence=" ", now=NOW)
    assert (case.status, plan.task(RESERVE).state) == (FalloutStatus.OPEN, TaskState.FAILED)


def test_skip_releases_the_dependents_and_needs_a_reason() -> None:
    # given
    case, plan = open_case()
    # when / then
    with pytest.raises(ReasonRequired):
        case.skip_task(operator(), plan, reason="", now=NOW)
    case.skip_task(operator(), plan, reason="port reserved by hand", now=NOW)
    assert plan.task(RESERVE).state is TaskState.SKIPPED
    assert [t.id for t in plan.ready_tasks()] == [PROVISION]


def test_a_task_completed_meanwhile_cannot_be_skipped_or_retried() -> None:
    # given: the external system answered late; the retry ran and completed
    case, plan = open_case()
    plan.retry_task(operator(), RESERVE, now=NOW)
    plan.start_task(service(), RESERVE, now=NOW)
    plan.complete_task(service(), RESERVE, external_reference="port-1", now=NOW)
    repairs: list[Callable[[], object]] = [
        lambda: case.skip_task(operator(), plan, reason="r", now=NOW),
        lambda: case.retry_task(operator(), plan, now=NOW),
        lambda: case.complete_task_manually(operator(), plan, evidence="e", now=NOW),
    ]
    # when / then
    for repair in repairs:
        with pytest.raises(IllegalTransition):
            repair()
    assert case.status is FalloutStatus.OPEN and plan.task(RESERVE).state is TaskState.COMPLETED


def test_cancel_order_gives_the_order_up_and_records_why() -> None:
    # given
    case, plan = open_case()
    # when
    case.cancel_order(operator(), plan, reason="no coverage at this address", now=NOW)
    # then
    assert case.status is FalloutStatus.CANCELLED
    assert case.repair is not None and case.repair.kind is RepairKind.CANCEL_ORDER
    event = case.pull_events()[-1]
    assert isinstance(event, FalloutCaseCancelled) and event.repair == RepairKind.CANCEL_ORDER


def test_a_failed_compensation_cannot_be_repaired_by_cancelling_the_order() -> None:
    # given: a compensation plan whose task failed
    plan = FulfillmentPlan(
        id=PlanId("o1:cancellation:c1"),
        order_id=fiber_plan().order_id,
        purpose=PlanPurpose.COMPENSATION,
        tasks=fiber_plan().tasks,
        created_at=NOW,
    )
    case, plan = open_case(plan)
    # when / then
    with pytest.raises(RepairNotApplicable):
        case.cancel_order(operator(), plan, reason="give up", now=NOW)


def test_a_repair_is_refused_with_another_plan() -> None:
    # given
    case, _ = open_case()
    other = FulfillmentPlan(
        id=PlanId("o2:fulfillment"),
        order_id=fiber_plan().order_id,
        purpose=PlanPurpose.FULFILLMENT,
        tasks=(),
        created_at=NOW,
    )
    # when / then
    with pytest.raises(WrongPlan):
        case.retry_task(operator(), other, now=NOW)


def test_assign_takes_the_case_into_repair_and_update_merges_repair_data() -> None:
    # given
    case, _ = open_case()
    # when
    case.assign(operator(), now=NOW)
    case.update_repair_data(operator(), data={"port": "7"}, now=NOW)
    # then
    assert (case.status, case.assignee) == (FalloutStatus.IN_REPAIR, operator().id)
    assert dict(case.repair_data) == {"cabinet": "C-12", "port": "7"}


@pytest.mark.parametrize("actor", [customer(), agent(), approver(), service()], ids=lambda a: str(a.kind))
def test_only_operators_handle_and_repair_cases(actor: Actor) -> None:
    # given
    case, plan = open_case()
    commands: list[Callable[[], object]] = [
        lambda: case.assign(actor, now=NOW),
        lambda: case.update_repair_data(actor, data={}, now=NOW),
        lambda: case.retry_task(actor, plan, now=NOW),
        lambda: case.complete_task_manually(actor, plan, evidence="e", now=NOW),
        lambda: case.skip_task(actor, plan, reason="r", now=NOW),
        lambda: case.cancel_order(actor, plan, reason="r", now=NOW),
    ]
    # when / then
    for command in commands:
        with pytest.raises(NotAuthorized):
            command()
    assert case.status is FalloutStatus.OPEN and plan.task(RESERVE).state is TaskState.FAILED


@pytest.mark.parametrize("actor", [customer(), agent(), approver()], ids=lambda a: str(a.kind))
def test_only_services_and_operators_open_or_withdraw_cases(actor: Actor) -> None:
    # given
    plan = fiber_plan()
    fail_reservation(plan)
    # when / then
    with pytest.raises(NotAuthorized):
        FalloutCase.open(actor, case_id=CASE, plan=plan, task_id=RESERVE, category=FalloutCategory.OTHER, now=NOW)
    case, _ = open_case()
    with pytest.raises(NotAuthorized):
        case.withdraw(actor, reason="moot", now=NOW)
