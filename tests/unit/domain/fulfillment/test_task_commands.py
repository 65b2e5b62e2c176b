"""Task commands as workers and repairs use them: dependencies, idempotency keys, results."""

from __future__ import annotations

import pytest
from domain_builders import customer
from plan_builders import NOW, complete, fail, new_plan, operator, run_all, service, start, tid

from oms.domain.fulfillment import (
    Answer,
    DependenciesNotDone,
    EvidenceRequired,
    ExternalRequestRecorded,
    FulfillmentPlanFinished,
    FulfillmentTaskCompleted,
    FulfillmentTaskFailed,
    FulfillmentTaskRetried,
    PlanNotClosable,
    ProtectedParameters,
    TargetSystem,
    TaskState,
    UnknownTask,
)
from oms.domain.shared import NotAuthorized

RESERVE, PROVISION, BILL = tid("1", "reserve-resource"), tid("1", "provision-service"), tid("1", "activate-billing")


def test_a_task_cannot_start_before_its_dependencies_are_done() -> None:
    # given
    plan = new_plan()
    # when / then
    with pytest.raises(DependenciesNotDone) as raised:
        plan.start_task(service(), PROVISION, now=NOW)
    assert raised.value.details["waiting_for"] == [RESERVE]
    assert plan.task(PROVISION).state is TaskState.PENDING


def test_a_skipped_dependency_releases_its_dependents() -> None:
    # given
    plan = new_plan()
    plan.skip_task(operator(), RESERVE, reason="port already reserved by hand", now=NOW)
    # when
    outcome = plan.start_task(service(), PROVISION, now=NOW)
    # then
    assert outcome.answer is Answer.APPLIED


def test_ready_tasks_are_the_pending_tasks_whose_dependencies_are_done() -> None:
    # given
    plan = new_plan()
    complete(plan, RESERVE)
    # when
    ready = {task.id for task in plan.ready_tasks()}
    # then
    assert ready == {
        PROVISION,
        tid("2", "reserve-resource"),
        tid("3", "reserve-resource"),
        tid("4", "schedule-installation"),
    }


def test_the_external_request_carries_a_deterministic_idempotency_key() -> None:
    # given
    plan = new_plan()
    plan.start_task(service(), RESERVE, now=NOW)
    # when
    first = plan.record_external_request(service(), RESERVE, now=NOW).request
    again = plan.record_external_request(service(), RESERVE, now=NOW).request
    # then
    assert first is not None and again is not None
    assert first.idempotency_key == again.idempotency_key == "o1:1:reserve-resource:run-1"
    assert (first.attempt, again.attempt) == (1, 2)
    assert first.target_system is TargetSystem.INVENTORY and first.operation == "reserve-resource"
    assert [type(e) for e in plan.pull_events()][-1] is ExternalRequestRecorded


def test_a_retry_after_repair_runs_with_a_new_idempotency_key() -> None:
    # given
    plan = new_plan()
    fail(plan, RESERVE)
    # when
    plan.retry_task(operator(), RESERVE, now=NOW)
    start(plan, RESERVE, send=False)
    request = plan.record_external_request(service(), RESERVE, now=NOW).request
    # then
    assert request is not None and request.idempotency_key == "o1:1:reserve-resource:run-2"


def test_a_retry_with_corrections_runs_with_the_corrected_parameters_under_a_new_key() -> None:
    # given
    plan = new_plan()
    complete(plan, RESERVE)
    fail(plan, PROVISION)
    before = plan.task(PROVISION)
    # when
    outcome = plan.retry_task(operator(), PROVISION, now=NOW, corrections={"technology": "GPON", "port": "p-7"})
    start(plan, PROVISION, send=False)
    request = plan.record_external_request(service(), PROVISION, now=NOW).request
    # then: the run sends the corrections over (or beside) the planned characteristics, which stay as planned
    task = plan.task(PROVISION)
    assert dict(task.characteristics) == {**before.characteristics, "technology": "GPON", "port": "p-7"}
    assert dict(task.corrections) == {"technology": "GPON", "port": "p-7"}
    assert task.planned_parameters == before.parameters
    assert outcome.task.parameters == task.parameters
    assert request is not None and request.idempotency_key == f"{PROVISION}:run-2"
    retried = [e for e in plan.pull_events() if isinstance(e, FulfillmentTaskRetried)]
    assert [(e.run, e.corrected) for e in retried] == [(2, ("port", "technology"))]


def test_a_retry_cannot_correct_the_plans_own_parameters() -> None:
    # given
    plan = new_plan()
    complete(plan, RESERVE)
    fail(plan, PROVISION)
    # when / then
    with pytest.raises(ProtectedParameters) as raised:
        plan.retry_task(operator(), PROVISION, now=NOW, corrections={"@productId": "o0:1", "technology": "GPON"})
    assert raised.value.details["names"] == ["@productId"]
    assert (plan.task(PROVISION).state, plan.task(PROVISION).run) == (TaskState.FAILED, 1)


def test_completing_stores_the_external_result() -> None:
    # given
    plan = new_plan()
    start(plan, RESERVE)
    # when
    outcome = plan.complete_task(service(), RESERVE, external_reference="port-42", now=NOW, data={"olt": "olt-7"})
    # then
    assert outcome.result is not None
    assert (outcome.result.external_reference, dict(outcome.result.data)) == ("port-42", {"olt": "olt-7"})
    assert isinstance(plan.pull_events()[-1], FulfillmentTaskCompleted)


def test_a_completed_task_answers_already_completed_with_its_stored_result() -> None:
    # given
    plan = new_plan()
    start(plan, RESERVE)
    plan.complete_task(service(), RESERVE, external_reference="port-42", now=NOW)
    # when
    again = plan.complete_task(service(), RESERVE, external_reference="port-99", now=NOW)
    restart = plan.start_task(service(), RESERVE, now=NOW)
    # then
    assert again.already_completed and restart.already_completed
    assert again.result is not None and again.result.external_reference == "port-42"


def test_a_business_error_fails_the_task_for_fallout() -> None:
    # given
    plan = new_plan()
    start(plan, RESERVE)
    # when
    plan.fail_task(service(), RESERVE, code="noPortFree", message="no free port", now=NOW, details={"olt": "x"})
    # then
    task = plan.task(RESERVE)
    assert task.state is TaskState.FAILED
    assert task.last_error is not None and task.last_error.code == "noPortFree"
    assert isinstance(plan.pull_events()[-1], FulfillmentTaskFailed)


def test_a_technical_error_keeps_the_task_in_progress_for_the_engine_to_retry() -> None:
    # given
    plan = new_plan()
    start(plan, RESERVE)
    # when
    plan.record_technical_failure(service(), RESERVE, code="timeout", message="inventory did not answer", now=NOW)
    plan.record_technical_failure(service(), RESERVE, code="timeout", message="inventory did not answer", now=NOW)
    # then
    task = plan.task(RESERVE)
    assert (task.state, task.technical_failures) == (TaskState.IN_PROGRESS, 2)


def test_completing_by_hand_needs_evidence() -> None:
    # given
    plan = new_plan()
    fail(plan, RESERVE)
    # when / then
    with pytest.raises(EvidenceRequired):
        plan.complete_task_manually(operator(), RESERVE, evidence="  ", now=NOW)
    assert plan.task(RESERVE).state is TaskState.FAILED


def test_completing_by_hand_records_the_evidence_and_the_operator() -> None:
    # given
    plan = new_plan()
    fail(plan, RESERVE)
    # when
    plan.complete_task_manually(operator(), RESERVE, evidence="ticket INV-7", now=NOW)
    # then
    result = plan.task(RESERVE).result
    assert result is not None and (result.manual_evidence, result.recorded_by) == ("ticket INV-7", operator().id)


def test_the_point_of_no_return_is_passed_once_such_a_task_is_completed() -> None:
    # given
    plan = new_plan()
    complete(plan, RESERVE, PROVISION)
    assert not plan.point_of_no_return_passed()
    # when
    complete(plan, BILL)
    # then
    assert plan.point_of_no_return_passed()
    assert [t.id for t in plan.passed_points_of_no_return()] == [BILL]


def test_the_plan_can_close_only_when_every_task_is_completed_or_skipped() -> None:
    # given
    plan = new_plan()
    complete(plan, RESERVE)
    # when / then
    assert not plan.can_close()
    with pytest.raises(PlanNotClosable):
        plan.require_closable()
    run_all(plan)
    assert plan.can_close()


def test_finishing_the_last_task_raises_plan_finished() -> None:
    # given
    plan = new_plan()
    # when
    run_all(plan)
    # then
    assert isinstance(plan.pull_events()[-1], FulfillmentPlanFinished)


def test_an_unknown_task_is_reported() -> None:
    # when / then
    with pytest.raises(UnknownTask):
        new_plan().start_task(service(), tid("9", "reserve-resource"), now=NOW)


def test_only_services_and_operators_run_tasks_and_only_operators_repair() -> None:
    # given
    plan = new_plan()
    # when / then
    with pytest.raises(NotAuthorized):
        plan.start_task(customer(), RESERVE, now=NOW)
    fail(plan, RESERVE)
    with pytest.raises(NotAuthorized):
        plan.retry_task(service(), RESERVE, now=NOW)
    with pytest.raises(NotAuthorized):
        plan.complete_task_manually(service(), RESERVE, evidence="x", now=NOW)


def test_each_applied_command_increments_the_version_once() -> None:
    # given
    plan = new_plan()
    # when
    start(plan, RESERVE)
    plan.complete_task(service(), RESERVE, external_reference="x", now=NOW)
    # then
    assert plan.version == 3
