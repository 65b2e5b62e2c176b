"""One reconciliation pass: compare the engine with the database, record every drift as a finding,
repair what is safe to repair, and apply the incident alert policy (docs/reconciliation.md).

The pass reads across tenants through :class:`~oms.scheduler.store.SchedulerStore` (role
``oms_scheduler``, read only) and the engine through the workflow client and
:class:`~oms.scheduler.engine_reads.EngineReads`; it writes only through application commands, as the
service actor ``oms-scheduler`` in the tenant of what it writes, one transaction each.

The kinds of drift, when each is found and what is repaired: ``FINDING_KINDS`` in
``oms.application.commands.reconciliation`` and the table in docs/reconciliation.md. In short: a
completed fulfillment whose order is in progress gets the order's close step (``close_order``, refused
by the domain unless the plan is closable); an active instance of an order closed for ``grace`` is
cancelled; an incident active for ``incident_alert_after`` gets its alert; everything else is reported.

A pass that completes clears the open findings it did not see again (someone repaired them, or the
drift was a moment's lag). A pass that fails half-way (the engine or the database away) clears
nothing and raises; the loop tries again on its next cycle.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Final

import structlog

from oms.application.clock import Clock, SystemClock
from oms.application.commands.operational_alerts import (
    CloseOperationalAlert,
    IncidentAlertPolicy,
    OperationalAlertView,
    close_operational_alert,
)
from oms.application.commands.reconciliation import (
    INSTANCE_MISSING,
    JOB_RETRIED_FOR_COMPLETED_TASK,
    ORDER_CLOSED_PROCESS_ACTIVE,
    PROCESS_ENDED_ORDER_IN_PROGRESS,
    REPAIR_INSTANCE_ALREADY_ENDED,
    REPAIR_INSTANCE_CANCELLED,
    START_NOT_RELAYED,
    VARIABLE_MISMATCH,
    AlertOpened,
    ClearUnseenFindings,
    CloseOrderForFinding,
    FindingView,
    MarkFindingRepaired,
    OpenAlertForIncident,
    RecordDrift,
    RecordInstanceStatus,
    RecordRepairFailure,
    clear_unseen_findings,
    close_order_for_finding,
    mark_finding_repaired,
    open_alert_for_incident,
    record_drift,
    record_instance_status,
    record_repair_failure,
)
from oms.application.context import RequestContext
from oms.application.errors import ApplicationError, NotFound
from oms.application.fulfillment_views import PlanView
from oms.application.queries.orders import get_order_plan
from oms.application.runner import run_command, run_query
from oms.application.unit_of_work import Drift, UnitOfWorkFactory
from oms.application.workflow import ORDER_FULFILLMENT_WORKFLOW
from oms.scheduler.engine_reads import EngineReads, JobSummary, incident_of
from oms.scheduler.store import SchedulerStore, TrackedInstance
from oms.workflow import job_types
from oms.workflow.client import InvalidState, ProcessInstanceSummary, WorkflowClient
from oms.workflow.client import NotFound as EngineNotFound

SCHEDULER_ACTOR: Final = "oms-scheduler"

#: the start variables a running instance must still hold as they were written (routing ids)
ROUTING_VARIABLES: Final = (
    "tenantId",
    "orderId",
    "quoteId",
    "approvalCaseId",
    "cancellationRequestId",
    "amendmentRequestId",
    "falloutCaseId",
)
BUSINESS_KEY_VARIABLE: Final = "businessKey"

#: the order-fulfillment jobs that run one stage of the plan: the target systems of the stage's tasks
STAGE_SYSTEMS: Final = {
    job_types.ORDER_FULFILLMENT_RESERVE_RESOURCE: frozenset({"inventory", "logistics", "field-service"}),
    job_types.ORDER_FULFILLMENT_PROVISION_SERVICE: frozenset({"provisioning"}),
    job_types.ORDER_FULFILLMENT_ACTIVATE_BILLING: frozenset({"billing"}),
}

_log = structlog.get_logger("oms.scheduler")


@dataclass(frozen=True)
class ReconcilerOptions:
    #: an incident active this long gets an operational alert
    incident_alert_after: timedelta = timedelta(minutes=15)
    #: how long a disagreement may last before it is drift: a commit and the engine call after it,
    #: a search that trails the engine (Camunda), a relay catching up
    grace: timedelta = timedelta(minutes=5)
    #: rows read per query
    batch_size: int = 200


@dataclass
class PassReport:
    """What one pass did (findings recorded or seen again, repairs, alerts, cleared findings)."""

    instances_checked: int = 0
    findings: list[FindingView] = field(default_factory=list)
    repaired: list[FindingView] = field(default_factory=list)
    alerts_opened: list[OperationalAlertView] = field(default_factory=list)
    alerts_closed: list[OperationalAlertView] = field(default_factory=list)
    cleared: list[int] = field(default_factory=list)

    def kinds(self) -> set[str]:
        return {finding.kind for finding in self.findings}

    def summary(self) -> dict[str, int]:
        return {
            "instancesChecked": self.instances_checked,
            "findings": len(self.findings),
            "repaired": len(self.repaired),
            "alertsOpened": len(self.alerts_opened),
            "alertsClosed": len(self.alerts_closed),
            "cleared": len(self.cleared),
        }


def instance_status(summary: ProcessInstanceSummary) -> str:
    """The engine's state in ``workflow_instance_ref``'s words."""
    if summary.state == "COMPLETED":
        return "completed"
    if summary.state == "TERMINATED":
        return "terminated"
    return "incident" if summary.has_incident else "active"


class Reconciler:
    def __init__(
        self,
        store: SchedulerStore,
        uow_factory: UnitOfWorkFactory,
        client: WorkflowClient,
        engine: EngineReads,
        options: ReconcilerOptions | None = None,
        *,
        clock: Clock | None = None,
    ) -> None:
        self._store = store
        self._uow_factory = uow_factory
        self._client = client
        self._engine = engine
        self.options = options or ReconcilerOptions()
        self._policy = IncidentAlertPolicy(self.options.incident_alert_after)
        self._clock = clock or SystemClock()

    def run_once(self) -> PassReport:
        """One complete pass over every tenant."""
        now = self._clock.now()
        report = PassReport()
        seen: dict[tuple[str, str], set[str]] = defaultdict(set)
        self._check_live_instances(now, report, seen)
        self._check_ended_processes(report, seen)
        self._check_start_requests(now, report, seen)
        self._close_alerts(report)
        self._clear_unseen(report, seen)
        _log.info("reconciliation pass done", **report.summary())
        return report

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _ctx(tenant_id: str) -> RequestContext:
        return RequestContext.for_service(tenant_id, SCHEDULER_ACTOR)

    def _record(
        self, tenant_id: str, drift: Drift, report: PassReport, seen: dict[tuple[str, str], set[str]]
    ) -> FindingView:
        finding = run_command(
            self._uow_factory, self._ctx(tenant_id), lambda uow: record_drift(uow, RecordDrift(drift))
        )
        seen[(tenant_id, drift.kind)].add(drift.subject)
        report.findings.append(finding)
        _log.warning(
            "reconciliation finding",
            tenantId=tenant_id,
            kind=drift.kind,
            aggregateId=drift.aggregate_id,
            processInstanceKey=drift.process_instance_key,
            subject=drift.subject,
            findingId=finding.id,
        )
        return finding

    def _repaired(self, tenant_id: str, finding: FindingView, repair: str, report: PassReport) -> None:
        done = run_command(
            self._uow_factory,
            self._ctx(tenant_id),
            lambda uow: mark_finding_repaired(uow, MarkFindingRepaired(finding.id, repair)),
        )
        report.repaired.append(done)
        _log.info("reconciliation repair", tenantId=tenant_id, findingId=finding.id, kind=finding.kind, repair=repair)

    def _repair_failed(self, tenant_id: str, finding: FindingView, error: ApplicationError) -> None:
        text = f"{error.code}: {error.message}"
        run_command(
            self._uow_factory,
            self._ctx(tenant_id),
            lambda uow: record_repair_failure(uow, RecordRepairFailure(finding.id, text)),
        )
        _log.warning("reconciliation repair refused", tenantId=tenant_id, findingId=finding.id, error=text)

    @staticmethod
    def _drift(tracked: TrackedInstance, kind: str, subject: str, **detail: object) -> Drift:
        ref = tracked.ref
        return Drift(
            kind=kind,
            aggregate_type=ref.aggregate_type,
            aggregate_id=ref.aggregate_id,
            process_instance_key=ref.process_instance_key,
            subject=subject,
            detail={
                "workflowType": ref.workflow_type,
                "businessKey": ref.business_key,
                "orderId": ref.order_id,
                **detail,
            },
        )

    # ------------------------------------------------------------------ running instances

    def _check_live_instances(self, now: datetime, report: PassReport, seen: dict[tuple[str, str], set[str]]) -> None:
        after = 0
        while batch := self._store.live_instances(after_id=after, limit=self.options.batch_size):
            for tracked in batch:
                self._check_live_instance(tracked, now, report, seen)
            report.instances_checked += len(batch)
            after = batch[-1].id

    def _check_live_instance(
        self, tracked: TrackedInstance, now: datetime, report: PassReport, seen: dict[tuple[str, str], set[str]]
    ) -> None:
        ref, tenant = tracked.ref, tracked.tenant_id
        found = self._client.search_instances(process_instance_key=ref.process_instance_key, limit=1)
        if not found:
            if ref.created_at <= now - self.options.grace:
                subject = f"instance:{ref.process_instance_key}"
                self._record(tenant, self._drift(tracked, INSTANCE_MISSING, subject), report, seen)
            return
        summary = found[0]
        status = instance_status(summary)
        if status != ref.status:
            change = RecordInstanceStatus(ref.process_instance_key, status)
            run_command(self._uow_factory, self._ctx(tenant), lambda uow: record_instance_status(uow, change))
        if summary.state != "ACTIVE":
            return  # ended: _check_ended_processes looks at its order
        if tracked.order_is_final and (tracked.order_updated_at or now) <= now - self.options.grace:
            self._cancel_for_closed_order(tracked, report, seen)
            return
        self._check_variables(tracked, report, seen)
        if ref.workflow_type == ORDER_FULFILLMENT_WORKFLOW and ref.order_id is not None:
            self._check_jobs(tracked, now, report, seen)
        if summary.has_incident:
            self._apply_alert_policy(tracked, now, report)

    def _cancel_for_closed_order(
        self, tracked: TrackedInstance, report: PassReport, seen: dict[tuple[str, str], set[str]]
    ) -> None:
        key = tracked.ref.process_instance_key
        drift = self._drift(tracked, ORDER_CLOSED_PROCESS_ACTIVE, f"instance:{key}", orderState=tracked.order_state)
        finding = self._record(tracked.tenant_id, drift, report, seen)
        try:
            self._client.cancel_instance(key)
            repair = REPAIR_INSTANCE_CANCELLED
        except (EngineNotFound, InvalidState):
            repair = REPAIR_INSTANCE_ALREADY_ENDED
        self._repaired(tracked.tenant_id, finding, repair, report)
        now_found = self._client.search_instances(process_instance_key=key, limit=1)
        if now_found and now_found[0].state != "ACTIVE":
            change = RecordInstanceStatus(key, instance_status(now_found[0]))
            run_command(
                self._uow_factory, self._ctx(tracked.tenant_id), lambda uow: record_instance_status(uow, change)
            )

    def _check_variables(
        self, tracked: TrackedInstance, report: PassReport, seen: dict[tuple[str, str], set[str]]
    ) -> None:
        expected: dict[str, object] = {
            name: tracked.start_variables[name] for name in ROUTING_VARIABLES if name in tracked.start_variables
        }
        expected[BUSINESS_KEY_VARIABLE] = tracked.ref.business_key
        key = tracked.ref.process_instance_key
        if self._client.search_instances(process_instance_key=key, variables=expected, limit=1):
            return
        differing = sorted(
            name
            for name, value in expected.items()
            if not self._client.search_instances(process_instance_key=key, variables={name: value}, limit=1)
        )
        if not differing:  # the instance ended between the searches
            return
        drift = self._drift(
            tracked,
            VARIABLE_MISMATCH,
            f"instance:{key}:variables",
            variables={name: {"expected": expected[name]} for name in differing},
        )
        self._record(tracked.tenant_id, drift, report, seen)

    def _check_jobs(
        self, tracked: TrackedInstance, now: datetime, report: PassReport, seen: dict[tuple[str, str], set[str]]
    ) -> None:
        retried = [
            job
            for job in self._engine.search_jobs(process_instance_key=tracked.ref.process_instance_key)
            if job.is_live and job.has_failed
        ]
        if not retried:
            return
        plan = self._plan(tracked)
        for job in retried:
            done = self._work_done(job, tracked, plan, now)
            if done is None:
                continue
            drift = self._drift(
                tracked,
                JOB_RETRIED_FOR_COMPLETED_TASK,
                f"job:{job.key}",
                jobKey=str(job.key),
                jobType=job.type,
                elementId=job.element_id,
                retries=job.retries,
                errorMessage=job.error_message[:500],
                doneInDatabase=done,
            )
            self._record(tracked.tenant_id, drift, report, seen)

    def _plan(self, tracked: TrackedInstance) -> PlanView | None:
        order_id = tracked.ref.order_id
        assert order_id is not None
        try:
            return run_query(self._uow_factory, self._ctx(tracked.tenant_id), lambda uow: get_order_plan(uow, order_id))
        except NotFound:
            return None

    def _work_done(self, job: JobSummary, tracked: TrackedInstance, plan: PlanView | None, now: datetime) -> str | None:
        """What in the database says the job's work is done (for ``grace`` at least), or None."""
        settled = now - self.options.grace
        if job.type == job_types.ORDER_FULFILLMENT_DECOMPOSE:
            return "plan decomposed" if plan is not None and plan.created_at <= settled else None
        if job.type == job_types.ORDER_FULFILLMENT_CLOSE_ORDER:
            closed = tracked.order_is_final and (tracked.order_updated_at or now) <= settled
            return f"order {tracked.order_state}" if closed else None
        systems = STAGE_SYSTEMS.get(job.type)
        if systems is None or plan is None:
            return None
        stage = [task for task in plan.tasks if task.target_system in systems]
        ready = set(plan.ready_task_ids)
        if not stage or any(task.state == "inProgress" or task.id in ready for task in stage):
            return None
        finished = [task.finished_at for task in stage if task.state in ("completed", "skipped") and task.finished_at]
        if not finished or max(finished) > settled:
            return None
        return f"no task of the stage left to run ({len(finished)} completed or skipped)"

    def _apply_alert_policy(self, tracked: TrackedInstance, now: datetime, report: PassReport) -> None:
        incidents = self._client.search_incidents(
            process_instance_key=tracked.ref.process_instance_key, state="ACTIVE", limit=100
        )
        for summary in incidents:
            incident = incident_of(summary)
            if not self._policy.alert_due(incident, now):
                continue
            request = OpenAlertForIncident(tracked.ref, incident)
            opened: AlertOpened | None = run_command(
                self._uow_factory, self._ctx(tracked.tenant_id), partial(open_alert_for_incident, request=request)
            )
            if opened is None:
                continue
            report.alerts_opened.append(opened.alert)
            report.findings.append(opened.finding)
            report.repaired.append(opened.finding)
            _log.warning(
                "operational alert opened",
                tenantId=tracked.tenant_id,
                orderId=tracked.ref.order_id,
                processInstanceKey=tracked.ref.process_instance_key,
                incidentKey=incident.key,
                errorType=incident.error_type,
            )

    # ------------------------------------------------------------------ ended processes

    def _check_ended_processes(self, report: PassReport, seen: dict[tuple[str, str], set[str]]) -> None:
        after = 0
        while batch := self._store.ended_instances_of_open_orders(
            ORDER_FULFILLMENT_WORKFLOW, after_id=after, limit=self.options.batch_size
        ):
            for tracked in batch:
                self._check_ended_process(tracked, report, seen)
            after = batch[-1].id

    def _check_ended_process(
        self, tracked: TrackedInstance, report: PassReport, seen: dict[tuple[str, str], set[str]]
    ) -> None:
        ref = tracked.ref
        drift = self._drift(
            tracked,
            PROCESS_ENDED_ORDER_IN_PROGRESS,
            f"instance:{ref.process_instance_key}",
            instanceStatus=ref.status,
            orderState=tracked.order_state,
        )
        finding = self._record(tracked.tenant_id, drift, report, seen)
        if ref.status != "completed" or tracked.order_state != "inProgress" or ref.order_id is None:
            return  # only a completed fulfillment of an order in progress may close it
        request = CloseOrderForFinding(finding.id, ref.order_id)
        try:
            run_command(
                self._uow_factory, self._ctx(tracked.tenant_id), lambda uow: close_order_for_finding(uow, request)
            )
        except ApplicationError as error:  # planNotClosable, illegalTransition...: the domain said no
            self._repair_failed(tracked.tenant_id, finding, error)
            return
        repaired = run_query(
            self._uow_factory,
            self._ctx(tracked.tenant_id),
            lambda uow: uow.reconciliation_findings.get(finding.id),
        )
        if repaired is not None:
            report.repaired.append(FindingView.of(repaired))

    # ------------------------------------------------------------------ start requests

    def _check_start_requests(self, now: datetime, report: PassReport, seen: dict[tuple[str, str], set[str]]) -> None:
        after = 0
        while batch := self._store.stale_start_requests(
            pending_before=now - self.options.grace, after_id=after, limit=self.options.batch_size
        ):
            for request in batch:
                drift = Drift(
                    kind=START_NOT_RELAYED,
                    aggregate_type=request.aggregate_type,
                    aggregate_id=request.aggregate_id,
                    process_instance_key=None,
                    subject=f"startRequest:{request.id}",
                    detail={
                        "workflowType": request.workflow_type,
                        "businessKey": request.business_key,
                        "status": request.status,
                        "attempts": request.attempt_count,
                        "lastError": (request.last_error or "")[:500],
                        "requestedAt": request.created_at.isoformat(),
                    },
                )
                self._record(request.tenant_id, drift, report, seen)
            after = batch[-1].id

    # ------------------------------------------------------------------ alerts and findings

    def _close_alerts(self, report: PassReport) -> None:
        after = 0
        while batch := self._store.open_alerts(after_id=after, limit=self.options.batch_size):
            for _, alert in batch:
                incidents = self._client.search_incidents(process_instance_key=alert.process_instance_key, limit=1000)
                match = next((incident_of(i) for i in incidents if i.key == alert.incident_key), None)
                reason = self._policy.close_reason(match)
                if reason is None:
                    continue
                request = CloseOperationalAlert(alert.incident_key, reason)
                closed = run_command(
                    self._uow_factory, self._ctx(alert.tenant_id), partial(close_operational_alert, request=request)
                )
                if closed is not None:
                    report.alerts_closed.append(closed)
                    _log.info(
                        "operational alert closed",
                        tenantId=alert.tenant_id,
                        incidentKey=alert.incident_key,
                        reason=reason,
                    )
            after = batch[-1][0]

    def _clear_unseen(self, report: PassReport, seen: dict[tuple[str, str], set[str]]) -> None:
        stale: dict[tuple[str, str], bool] = {}
        for finding in self._store.open_findings():
            key = (finding.tenant_id, finding.kind)
            if finding.subject not in seen.get(key, set()):
                stale[key] = True
        for (tenant, kind), _ in sorted(stale.items()):
            request = ClearUnseenFindings(kind, frozenset(seen.get((tenant, kind), set())))
            cleared = run_command(self._uow_factory, self._ctx(tenant), partial(clear_unseen_findings, request=request))
            report.cleared.extend(cleared)
