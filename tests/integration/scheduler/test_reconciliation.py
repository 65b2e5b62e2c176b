"""Reconciliation: each kind of drift is found and recorded once per subject, the safe ones are
repaired through the domain or the engine, the rest are reported, and findings that went away are
cleared by the next complete pass."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import psycopg
from scheduler_support import GRACE, Tenant, ends_at_once, waiting_at

from oms.application.commands.reconciliation import (
    INSTANCE_MISSING,
    JOB_RETRIED_FOR_COMPLETED_TASK,
    ORDER_CLOSED_PROCESS_ACTIVE,
    PROCESS_ENDED_ORDER_IN_PROGRESS,
    REPAIR_INSTANCE_CANCELLED,
    REPAIR_ORDER_CLOSED,
    START_NOT_RELAYED,
    VARIABLE_MISMATCH,
)
from oms.application.workflow import ORDER_FULFILLMENT_WORKFLOW
from oms.engine.clock import ControlledClock
from oms.engine.testing.harness import ProcessTestHarness
from oms.scheduler.reconciler import Reconciler
from oms.workflow import job_types

AFTER_GRACE = GRACE + timedelta(minutes=1)


def test_a_completed_fulfillment_closes_its_order_when_the_plan_is_closable(
    process_test: ProcessTestHarness, tenant: Tenant, reconciler: Reconciler
) -> None:
    # given: every task done, the order still in progress, and its fulfillment process completed
    process_test.deploy(ends_at_once(ORDER_FULFILLMENT_WORKFLOW))
    order, _ = tenant.running_order()
    tenant.run_all_tasks(order.id)
    key = tenant.start_process(ORDER_FULFILLMENT_WORKFLOW, order.id)
    # when
    reconciler.run_once()
    # then
    assert tenant.ref_status(key) == "completed"
    (finding,) = tenant.findings(PROCESS_ENDED_ORDER_IN_PROGRESS)
    assert (finding.subject, finding.repair, finding.aggregate_id) == (f"instance:{key}", REPAIR_ORDER_CLOSED, order.id)
    assert finding.detail["orderState"] == "inProgress"
    assert tenant.order(order.id).state == "completed"
    # when: the next pass has nothing left to do
    reconciler.run_once()
    # then
    assert [f.id for f in tenant.findings(PROCESS_ENDED_ORDER_IN_PROGRESS)] == [finding.id]


def test_a_completed_fulfillment_of_an_order_with_open_tasks_is_reported_until_the_domain_allows_closing(
    process_test: ProcessTestHarness, tenant: Tenant, reconciler: Reconciler
) -> None:
    # given: the process completed although the plan still has tasks to run
    process_test.deploy(ends_at_once(ORDER_FULFILLMENT_WORKFLOW))
    order, _ = tenant.running_order()
    key = tenant.start_process(ORDER_FULFILLMENT_WORKFLOW, order.id)
    # when
    reconciler.run_once()
    reconciler.run_once()
    # then: one open finding, the domain's refusal kept as the reason, the order untouched
    (finding,) = tenant.findings(PROCESS_ENDED_ORDER_IN_PROGRESS)
    assert finding.is_open
    assert finding.subject == f"instance:{key}"
    assert (finding.repair_error or "").startswith("planNotClosable")
    assert tenant.order(order.id).state == "inProgress"
    # when: the tasks get done after all (an operator's repair, say)
    tenant.run_all_tasks(order.id)
    reconciler.run_once()
    # then: the same finding is repaired by closing the order
    (repaired,) = tenant.findings(PROCESS_ENDED_ORDER_IN_PROGRESS)
    assert (repaired.id, repaired.repair) == (finding.id, REPAIR_ORDER_CLOSED)
    assert tenant.order(order.id).state == "completed"


def test_an_active_process_of_a_closed_order_is_cancelled_after_the_grace_period(
    process_test: ProcessTestHarness, tenant: Tenant, reconciler: Reconciler, clock: ControlledClock
) -> None:
    # given: the order is completed while its process still waits at a job
    process_test.deploy(waiting_at(ORDER_FULFILLMENT_WORKFLOW, job_types.ORDER_FULFILLMENT_CLOSE_ORDER))
    order, _ = tenant.running_order()
    key = tenant.start_process(ORDER_FULFILLMENT_WORKFLOW, order.id)
    tenant.run_all_tasks(order.id)
    tenant.close(order.id)
    # when: within the grace period (the close job may be about to complete)
    reconciler.run_once()
    # then
    assert tenant.findings(ORDER_CLOSED_PROCESS_ACTIVE) == []
    process_test.assert_that(key).is_active()
    # when
    clock.increase_time(AFTER_GRACE)
    reconciler.run_once()
    # then
    (finding,) = tenant.findings(ORDER_CLOSED_PROCESS_ACTIVE)
    assert (finding.subject, finding.repair) == (f"instance:{key}", REPAIR_INSTANCE_CANCELLED)
    assert finding.detail["orderState"] == "completed"
    process_test.assert_that(key).is_terminated()
    assert tenant.ref_status(key) == "terminated"


def test_a_job_retried_for_work_already_done_in_the_database_is_reported_and_cleared_once_it_ends(
    process_test: ProcessTestHarness, tenant: Tenant, reconciler: Reconciler, clock: ControlledClock
) -> None:
    # given: the reserve step's job failed once, and its tasks are completed in the database
    job_type = job_types.ORDER_FULFILLMENT_RESERVE_RESOURCE
    process_test.deploy(waiting_at(ORDER_FULFILLMENT_WORKFLOW, job_type))
    order, _ = tenant.running_order()
    tenant.start_process(ORDER_FULFILLMENT_WORKFLOW, order.id)
    job = process_test.activate_job(job_type)
    process_test.engine.fail_job(job.key, retries=2, error_message="inventory timed out")
    tenant.run_all_tasks(order.id)
    # when: right after the tasks finished (the retry may be completing)
    reconciler.run_once()
    # then
    assert tenant.findings(JOB_RETRIED_FOR_COMPLETED_TASK) == []
    # when
    clock.increase_time(AFTER_GRACE)
    reconciler.run_once()
    reconciler.run_once()
    # then: reported once, not repaired
    (finding,) = tenant.findings(JOB_RETRIED_FOR_COMPLETED_TASK)
    assert finding.is_open
    assert finding.subject == f"job:{job.key}"
    assert (finding.detail["jobType"], finding.detail["retries"]) == (job_type, 2)
    assert finding.detail["errorMessage"] == "inventory timed out"
    # when: the retried job completes after all
    process_test.complete_job(job_type)
    reconciler.run_once()
    # then
    (cleared,) = tenant.findings(JOB_RETRIED_FOR_COMPLETED_TASK)
    assert cleared.cleared_at is not None and cleared.repair is None


def test_a_retried_job_whose_tasks_are_not_done_is_no_drift(
    process_test: ProcessTestHarness, tenant: Tenant, reconciler: Reconciler, clock: ControlledClock
) -> None:
    # given
    job_type = job_types.ORDER_FULFILLMENT_RESERVE_RESOURCE
    process_test.deploy(waiting_at(ORDER_FULFILLMENT_WORKFLOW, job_type))
    order, _ = tenant.running_order()
    tenant.start_process(ORDER_FULFILLMENT_WORKFLOW, order.id)
    job = process_test.activate_job(job_type)
    process_test.engine.fail_job(job.key, retries=2, error_message="inventory timed out")
    clock.increase_time(AFTER_GRACE)
    # when
    reconciler.run_once()
    # then
    assert tenant.findings() == []


def test_a_routing_variable_pointing_at_another_order_is_reported(
    process_test: ProcessTestHarness, tenant: Tenant, reconciler: Reconciler
) -> None:
    # given
    process_test.deploy(waiting_at(ORDER_FULFILLMENT_WORKFLOW, job_types.ORDER_FULFILLMENT_DECOMPOSE))
    order = tenant.place()
    key = tenant.start_process(ORDER_FULFILLMENT_WORKFLOW, order.id, variables={"orderId": "someone-elses-order"})
    # when
    reconciler.run_once()
    reconciler.run_once()
    # then
    (finding,) = tenant.findings(VARIABLE_MISMATCH)
    assert finding.is_open and finding.repair is None
    assert (finding.subject, finding.aggregate_id) == (f"instance:{key}:variables", order.id)
    assert finding.detail["variables"] == {"orderId": {"expected": order.id}}


def test_matching_routing_variables_are_no_drift(
    process_test: ProcessTestHarness, tenant: Tenant, reconciler: Reconciler
) -> None:
    # given
    process_test.deploy(waiting_at(ORDER_FULFILLMENT_WORKFLOW, job_types.ORDER_FULFILLMENT_DECOMPOSE))
    order = tenant.place()
    tenant.start_process(ORDER_FULFILLMENT_WORKFLOW, order.id)
    # when
    reconciler.run_once()
    # then
    assert tenant.findings() == []


def test_a_started_request_whose_instance_the_engine_does_not_know_is_reported(
    tenant: Tenant, reconciler: Reconciler, clock: ControlledClock, admin: psycopg.Connection[Any]
) -> None:
    # given: the request is marked started with an instance the engine never had (e.g. restored from backup)
    order = tenant.place()
    _mark_started_with_unknown_instance(admin, tenant.id, order.id, instance_key=987_654_321)
    reconciler.run_once()
    assert tenant.findings(INSTANCE_MISSING) == []
    # when
    clock.increase_time(AFTER_GRACE)
    reconciler.run_once()
    # then
    (finding,) = tenant.findings(INSTANCE_MISSING)
    assert (finding.subject, finding.aggregate_id, finding.repair) == ("instance:987654321", order.id, None)


def test_a_start_request_left_pending_is_reported_and_cleared_once_started(
    process_test: ProcessTestHarness, tenant: Tenant, reconciler: Reconciler, clock: ControlledClock
) -> None:
    # given
    process_test.deploy(waiting_at(ORDER_FULFILLMENT_WORKFLOW, job_types.ORDER_FULFILLMENT_DECOMPOSE))
    order = tenant.place()
    clock.increase_time(AFTER_GRACE)
    # when
    reconciler.run_once()
    # then
    (finding,) = tenant.findings(START_NOT_RELAYED)
    assert finding.is_open and finding.aggregate_id == order.id
    assert finding.detail["status"] == "pending"
    # when: the relay catches up
    tenant.start_process(ORDER_FULFILLMENT_WORKFLOW, order.id)
    reconciler.run_once()
    # then
    (cleared,) = tenant.findings(START_NOT_RELAYED)
    assert cleared.cleared_at is not None


def _mark_started_with_unknown_instance(
    admin: psycopg.Connection[Any], tenant_id: str, order_id: str, *, instance_key: int
) -> None:
    with admin.transaction():
        request = admin.execute(
            "UPDATE workflow_start_request SET status = 'started', process_instance_key = %s, started_at = now()"
            " WHERE tenant_id = %s AND variables ->> 'orderId' = %s"
            " RETURNING workflow_type, business_key, aggregate_type, aggregate_id, created_at",
            (instance_key, tenant_id, order_id),
        ).fetchone()
        assert request is not None
        workflow_type, business_key, aggregate_type, aggregate_id, at = request
        admin.execute(
            """
            INSERT INTO workflow_instance_ref (tenant_id, aggregate_type, aggregate_id, workflow_type, business_key,
                bpmn_process_id, process_definition_key, process_definition_version, process_instance_key, status,
                created_at, updated_at)
            VALUES (%s, %s, %s, %s, %s, %s, 1, 1, %s, 'active', %s, %s)
            """,
            (tenant_id, aggregate_type, aggregate_id, workflow_type, business_key, workflow_type, instance_key, at, at),
        )
