"""Incidents stay incidents, visible per order; one that persists past the threshold opens an
operational alert on the order (never a fallout case), and the alert closes once the incident is
resolved or gone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import psycopg
import pytest
from scheduler_support import ALERT_AFTER, OPERATOR, Tenant, waiting_at

from oms.application.commands.operational_alerts import INCIDENT_GONE, INCIDENT_RESOLVED, order_incidents
from oms.application.commands.reconciliation import INCIDENT_WITHOUT_ALERT, REPAIR_ALERT_OPENED
from oms.application.errors import NotFound
from oms.application.workflow import ORDER_FULFILLMENT_WORKFLOW
from oms.engine.clock import ControlledClock
from oms.engine.testing.harness import ProcessTestHarness
from oms.scheduler.engine_reads import WorkflowIncidentSource
from oms.scheduler.reconciler import Reconciler
from oms.workflow import job_types

JOB = job_types.ORDER_FULFILLMENT_DECOMPOSE


def _order_with_incident(process_test: ProcessTestHarness, tenant: Tenant) -> tuple[str, int, int]:
    """An order whose fulfillment instance has an incident: the decompose job failed without retries."""
    process_test.deploy(waiting_at(ORDER_FULFILLMENT_WORKFLOW, JOB, retries=1))
    order = tenant.place()
    key = tenant.start_process(ORDER_FULFILLMENT_WORKFLOW, order.id)
    job = process_test.activate_job(JOB)
    process_test.engine.fail_job(job.key, retries=0, error_message="catalog service unavailable")
    return order.id, key, job.key


def test_the_incidents_of_an_order_are_listed_with_its_process_instances(
    process_test: ProcessTestHarness, tenant: Tenant
) -> None:
    # given
    order_id, key, job_key = _order_with_incident(process_test, tenant)
    # when
    view = tenant.incidents(order_id)
    # then
    (instance,) = view.instances
    assert (instance.workflow_type, instance.process_instance_key) == (ORDER_FULFILLMENT_WORKFLOW, key)
    (incident,) = view.active_incidents
    assert (incident.error_type, incident.job_key, incident.element_id) == ("JOB_NO_RETRIES", job_key, "step")
    assert incident.error_message == "catalog service unavailable"
    assert view.alerts == ()
    assert view.to_dict()["instances"][0]["incidents"][0]["errorType"] == "JOB_NO_RETRIES"


def test_the_incident_view_of_another_tenants_order_is_not_found(
    process_test: ProcessTestHarness, tenant: Tenant, client: Any, uow_factory: Any
) -> None:
    # given
    order_id, _, _ = _order_with_incident(process_test, tenant)
    from oms.application.context import RequestContext
    from oms.application.runner import run_query

    source = WorkflowIncidentSource(client)
    # when / then
    with pytest.raises(NotFound):
        run_query(
            uow_factory,
            RequestContext.new("someone-else", OPERATOR),
            lambda uow: order_incidents(uow, source, order_id),
        )


def test_an_incident_persisting_past_the_threshold_opens_one_alert_on_the_order_which_closes_when_resolved(
    process_test: ProcessTestHarness,
    tenant: Tenant,
    reconciler: Reconciler,
    clock: ControlledClock,
    admin: psycopg.Connection[Any],
) -> None:
    # given
    order_id, key, job_key = _order_with_incident(process_test, tenant)
    # when: before the threshold
    clock.increase_time(ALERT_AFTER - timedelta(minutes=1))
    reconciler.run_once()
    # then
    assert tenant.incidents(order_id).alerts == ()
    assert tenant.ref_status(key) == "incident"
    # when: past it, twice
    clock.increase_time(timedelta(minutes=2))
    reconciler.run_once()
    reconciler.run_once()
    # then: one alert, on the order, for the incident; the missing alert recorded as a repaired finding
    view = tenant.incidents(order_id)
    (alert,) = view.open_alerts
    (incident,) = view.active_incidents
    assert (alert.order_id, alert.process_instance_key, alert.incident_key) == (order_id, key, incident.key)
    assert (alert.kind, alert.element_id, alert.workflow_type) == ("JOB_NO_RETRIES", "step", ORDER_FULFILLMENT_WORKFLOW)
    (finding,) = tenant.findings(INCIDENT_WITHOUT_ALERT)
    assert (finding.subject, finding.repair) == (f"incident:{incident.key}", REPAIR_ALERT_OPENED)
    # and: an incident is never a fallout case
    assert admin.execute("SELECT count(*) FROM fallout_case WHERE tenant_id = %s", (tenant.id,)).fetchone() == (0,)
    # when: an operator fixes the cause and resolves the incident (the job is retried)
    process_test.engine.update_job_retries(job_key, 1)
    process_test.engine.resolve_incident(incident.key)
    reconciler.run_once()
    # then
    view = tenant.incidents(order_id)
    assert view.open_alerts == ()
    (closed,) = view.alerts
    assert (closed.id, closed.close_reason) == (alert.id, INCIDENT_RESOLVED)
    assert view.active_incidents == ()
    assert tenant.ref_status(key) == "active"


def test_a_new_incident_after_a_resolution_gets_its_own_alert(
    process_test: ProcessTestHarness, tenant: Tenant, reconciler: Reconciler, clock: ControlledClock
) -> None:
    # given: an alerted incident, resolved, and the retried job failing again for good
    order_id, _, job_key = _order_with_incident(process_test, tenant)
    clock.increase_time(ALERT_AFTER)
    reconciler.run_once()
    (first,) = tenant.incidents(order_id).active_incidents
    process_test.engine.update_job_retries(job_key, 1)
    process_test.engine.resolve_incident(first.key)
    job = process_test.activate_job(JOB)
    process_test.engine.fail_job(job.key, retries=0, error_message="still unavailable")
    # when
    reconciler.run_once()
    clock.increase_time(ALERT_AFTER)
    reconciler.run_once()
    # then
    alerts = tenant.incidents(order_id).alerts
    assert [(a.incident_key == first.key, a.is_open) for a in alerts] == [(False, True), (True, False)]


def test_the_alert_of_an_incident_whose_instance_was_cancelled_closes_as_gone(
    process_test: ProcessTestHarness, tenant: Tenant, reconciler: Reconciler, clock: ControlledClock, client: Any
) -> None:
    # given
    order_id, key, _ = _order_with_incident(process_test, tenant)
    clock.increase_time(ALERT_AFTER)
    reconciler.run_once()
    assert len(tenant.incidents(order_id).open_alerts) == 1
    # when
    client.cancel_instance(key)
    reconciler.run_once()
    # then
    (alert,) = tenant.incidents(order_id).alerts
    assert alert.close_reason in (INCIDENT_GONE, INCIDENT_RESOLVED)
    assert not alert.is_open
