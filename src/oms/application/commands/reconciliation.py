"""What the scheduler records when the engine and the database disagree, and the repairs it makes
through the domain (docs/reconciliation.md).

The scheduler finds drift across tenants; every record and every repair is one of these commands,
run as the scheduler's service actor in the finding's tenant, one transaction each. A repair that
changes business state goes through the domain's own command in the same transaction as the
finding's "repaired" mark, so the domain checks its invariants as for any other caller, and a
refusal leaves the finding open with the reason (``repair_error``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from oms.application.commands.operational_alerts import (
    Incident,
    OpenOperationalAlert,
    OperationalAlertView,
    open_operational_alert,
    require_operations_actor,
)
from oms.application.commands.order import CloseOrder, close_order
from oms.application.errors import NotFound
from oms.application.order_views import OrderView
from oms.application.unit_of_work import Drift, Finding, InstanceRef, UnitOfWork

Json = dict[str, Any]

# The kinds of drift (reconciliation_finding.kind; the migration's CHECK lists the same words).
PROCESS_ENDED_ORDER_IN_PROGRESS: Final = "processEndedOrderInProgress"
ORDER_CLOSED_PROCESS_ACTIVE: Final = "orderClosedProcessActive"
JOB_RETRIED_FOR_COMPLETED_TASK: Final = "jobRetriedForCompletedTask"
INCIDENT_WITHOUT_ALERT: Final = "incidentWithoutAlert"
VARIABLE_MISMATCH: Final = "variableMismatch"
INSTANCE_MISSING: Final = "instanceMissing"
START_NOT_RELAYED: Final = "startNotRelayed"
FINDING_KINDS: Final = (
    PROCESS_ENDED_ORDER_IN_PROGRESS,
    ORDER_CLOSED_PROCESS_ACTIVE,
    JOB_RETRIED_FOR_COMPLETED_TASK,
    INCIDENT_WITHOUT_ALERT,
    VARIABLE_MISMATCH,
    INSTANCE_MISSING,
    START_NOT_RELAYED,
)

# The repairs (reconciliation_finding.repair).
REPAIR_ORDER_CLOSED: Final = "orderClosed"
REPAIR_INSTANCE_CANCELLED: Final = "instanceCancelled"
REPAIR_INSTANCE_ALREADY_ENDED: Final = "instanceAlreadyEnded"
REPAIR_ALERT_OPENED: Final = "alertOpened"

_INSTANCE_STATUSES = ("active", "completed", "terminated", "incident")


@dataclass(frozen=True)
class FindingView:
    id: int
    kind: str
    aggregate_type: str
    aggregate_id: str
    process_instance_key: int | None
    subject: str
    detail: Json
    found_at: datetime
    last_seen_at: datetime
    repaired_at: datetime | None
    repair: str | None
    repair_error: str | None
    cleared_at: datetime | None

    @classmethod
    def of(cls, finding: Finding) -> FindingView:
        drift = finding.drift
        return cls(
            id=finding.id,
            kind=drift.kind,
            aggregate_type=drift.aggregate_type,
            aggregate_id=drift.aggregate_id,
            process_instance_key=drift.process_instance_key,
            subject=drift.subject,
            detail=dict(drift.detail),
            found_at=finding.found_at,
            last_seen_at=finding.last_seen_at,
            repaired_at=finding.repaired_at,
            repair=finding.repair,
            repair_error=finding.repair_error,
            cleared_at=finding.cleared_at,
        )

    @property
    def is_open(self) -> bool:
        return self.repaired_at is None and self.cleared_at is None

    def to_dict(self) -> Json:
        def iso(value: datetime | None) -> str | None:
            return None if value is None else value.isoformat()

        return {
            "id": str(self.id),
            "kind": self.kind,
            "aggregateType": self.aggregate_type,
            "aggregateId": self.aggregate_id,
            "processInstanceKey": None if self.process_instance_key is None else str(self.process_instance_key),
            "subject": self.subject,
            "detail": self.detail,
            "foundAt": self.found_at.isoformat(),
            "lastSeenAt": self.last_seen_at.isoformat(),
            "repairedAt": iso(self.repaired_at),
            "repair": self.repair,
            "repairError": self.repair_error,
            "clearedAt": iso(self.cleared_at),
        }


# ---------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class RecordDrift:
    drift: Drift


@dataclass(frozen=True)
class ClearUnseenFindings:
    """The check of ``kind`` ran completely for the tenant and saw exactly ``seen_subjects``."""

    kind: str
    seen_subjects: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class MarkFindingRepaired:
    finding_id: int
    repair: str


@dataclass(frozen=True)
class RecordRepairFailure:
    finding_id: int
    error: str


@dataclass(frozen=True)
class RecordInstanceStatus:
    process_instance_key: int
    status: str  # active, completed, terminated, incident


def record_drift(uow: UnitOfWork, request: RecordDrift) -> FindingView:
    """A new open finding, or the open one of the same (kind, subject) seen again."""
    require_operations_actor(uow, "record a reconciliation finding")
    if request.drift.kind not in FINDING_KINDS:
        raise ValueError(f"unknown finding kind {request.drift.kind!r}")
    return FindingView.of(uow.reconciliation_findings.observe(request.drift))


def clear_unseen_findings(uow: UnitOfWork, request: ClearUnseenFindings) -> tuple[int, ...]:
    """Open findings of the kind that were not seen again: the drift went away (someone repaired it,
    or it was a moment's lag). Their ids."""
    require_operations_actor(uow, "clear reconciliation findings")
    return tuple(uow.reconciliation_findings.clear_unseen(request.kind, request.seen_subjects))


def mark_finding_repaired(uow: UnitOfWork, request: MarkFindingRepaired) -> FindingView:
    """After a repair outside the database (an engine call); ``NotFound`` when the finding is not open."""
    require_operations_actor(uow, "mark a finding repaired")
    finding = uow.reconciliation_findings.repaired(request.finding_id, request.repair)
    if finding is None:
        raise NotFound.of("openReconciliationFinding", str(request.finding_id))
    return FindingView.of(finding)


def record_repair_failure(uow: UnitOfWork, request: RecordRepairFailure) -> None:
    require_operations_actor(uow, "record a failed repair")
    uow.reconciliation_findings.repair_failed(request.finding_id, request.error)


def record_instance_status(uow: UnitOfWork, request: RecordInstanceStatus) -> bool:
    """Keep ``workflow_instance_ref.status`` in step with the engine; True when it changed."""
    require_operations_actor(uow, "record a process instance's state")
    if request.status not in _INSTANCE_STATUSES:
        raise ValueError(f"unknown instance status {request.status!r}")
    return uow.workflow_instances.record_status(request.process_instance_key, request.status)


# ---------------------------------------------------------------------------------------- repairs


@dataclass(frozen=True)
class OpenAlertForIncident:
    ref: InstanceRef
    incident: Incident


@dataclass(frozen=True)
class AlertOpened:
    alert: OperationalAlertView
    finding: FindingView


def open_alert_for_incident(uow: UnitOfWork, request: OpenAlertForIncident) -> AlertOpened | None:
    """Repair of ``incidentWithoutAlert``: the alert and the finding (recorded as repaired by it), in one
    transaction. None when the incident has had its alert already."""
    ref, incident = request.ref, request.incident
    alert = open_operational_alert(uow, OpenOperationalAlert(ref, incident))
    if alert is None:
        return None
    found = uow.reconciliation_findings.observe(incident_drift(ref, incident))
    repaired = uow.reconciliation_findings.repaired(found.id, REPAIR_ALERT_OPENED)
    assert repaired is not None  # observed open in this transaction
    return AlertOpened(alert, FindingView.of(repaired))


def incident_drift(ref: InstanceRef, incident: Incident) -> Drift:
    return Drift(
        kind=INCIDENT_WITHOUT_ALERT,
        aggregate_type=ref.aggregate_type,
        aggregate_id=ref.aggregate_id,
        process_instance_key=ref.process_instance_key,
        subject=f"incident:{incident.key}",
        detail={
            "orderId": ref.order_id,
            "workflowType": ref.workflow_type,
            "incidentKey": str(incident.key),
            "errorType": incident.error_type,
            "elementId": incident.element_id,
            "incidentCreatedAt": incident.created_at.isoformat(),
        },
    )


@dataclass(frozen=True)
class CloseOrderForFinding:
    finding_id: int
    order_id: str


def close_order_for_finding(uow: UnitOfWork, request: CloseOrderForFinding) -> OrderView:
    """Repair of ``processEndedOrderInProgress`` when the fulfillment process completed: the order's
    close step (``close_order``, which refuses unless the order is in progress and its plan is
    closable), and the finding marked repaired, in one transaction."""
    order = close_order(uow, CloseOrder(request.order_id))
    mark_finding_repaired(uow, MarkFindingRepaired(request.finding_id, REPAIR_ORDER_CLOSED))
    return order


# ---------------------------------------------------------------------------------------- query


@dataclass(frozen=True)
class FindingFilter:
    kind: str | None = None
    aggregate_id: str | None = None
    open_only: bool = False
    limit: int = 100


def list_findings(uow: UnitOfWork, criteria: FindingFilter) -> list[FindingView]:
    """The tenant's findings, newest first."""
    require_operations_actor(uow, "read reconciliation findings")
    found = uow.reconciliation_findings.search(
        kind=criteria.kind, aggregate_id=criteria.aggregate_id, open_only=criteria.open_only, limit=criteria.limit
    )
    return [FindingView.of(finding) for finding in found]
