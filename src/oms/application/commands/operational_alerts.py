"""Incidents of an order's processes, and operational alerts for the ones that persist.

An **incident** is a technical stop of a process instance (a job's retries exhausted, a variable
missing for a mapping, an expression that fails): it stays an incident, visible per order
(:func:`order_incidents`), and is repaired on the engine's side (fix the cause, then resolve it, which
only makes the engine retry the job). A **fallout case** is a business exception with a repair path
in the domain; an incident never becomes one.

The **incident alert policy** (:class:`IncidentAlertPolicy`): an incident still active after a
threshold opens an **operational alert** on the order (one per incident), so operations see the
stuck order; the alert closes when the incident is resolved (or is gone with its instance). The
scheduler applies the policy on every pass (``oms.scheduler``).

Resolving an incident never bypasses a domain repair command: the retried job calls its application
command again, and that command still checks every invariant (a task already completed answers
``alreadyCompleted``; a plan that is not closable refuses to close). Repairs of business state go
through the domain's repair commands (fallout repairs, ``fail_order_item``...), never through the
engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from oms.application.errors import Forbidden, NotFound
from oms.application.unit_of_work import InstanceRef, NewOperationalAlert, OperationalAlert, UnitOfWork
from oms.domain.shared.actors import ActorKind

Json = dict[str, Any]

INCIDENT_RESOLVED = "incidentResolved"
INCIDENT_GONE = "incidentGone"  # its instance ended (cancelled) or the engine no longer knows it


def require_operations_actor(uow: UnitOfWork, what: str) -> None:
    """Alerts and findings are kept by the scheduler (a service) and by operators, nobody else."""
    actor = uow.context.actor
    if actor.kind not in (ActorKind.SERVICE, ActorKind.OPERATOR):
        raise Forbidden(f"actor {actor.id!r} ({actor.kind}) may not {what}", {"actor": actor.id})


# ---------------------------------------------------------------------------------------- incidents


@dataclass(frozen=True)
class Incident:
    """An engine incident, in the application's words (the workflow client's ``IncidentSummary``)."""

    key: int
    process_instance_key: int
    element_id: str
    job_key: int | None
    error_type: str
    error_message: str
    state: str  # ACTIVE, RESOLVED
    created_at: datetime

    @property
    def is_active(self) -> bool:
        return self.state == "ACTIVE"

    def to_dict(self) -> Json:
        return {
            "incidentKey": str(self.key),
            "processInstanceKey": str(self.process_instance_key),
            "elementId": self.element_id,
            "jobKey": None if self.job_key is None else str(self.job_key),
            "errorType": self.error_type,
            "errorMessage": self.error_message,
            "state": self.state,
            "createdAt": self.created_at.isoformat(),
        }


class IncidentSource(Protocol):
    """Where incidents come from: the workflow engine (adapted by ``oms.scheduler.engine_reads``)."""

    def incidents_of_instance(self, process_instance_key: int) -> list[Incident]:
        """Every incident of the instance, active and resolved, oldest first."""
        ...


@dataclass(frozen=True)
class IncidentAlertPolicy:
    """An incident active for ``threshold`` or longer deserves an alert; an alert closes once its
    incident is no longer active."""

    threshold: timedelta = timedelta(minutes=15)

    def alert_due(self, incident: Incident, now: datetime) -> bool:
        return incident.is_active and now - incident.created_at >= self.threshold

    @staticmethod
    def close_reason(incident: Incident | None) -> str | None:
        """Why the alert of this incident closes now (None: it stays open)."""
        if incident is None:
            return INCIDENT_GONE
        return None if incident.is_active else INCIDENT_RESOLVED


# ---------------------------------------------------------------------------------------- views


@dataclass(frozen=True)
class OperationalAlertView:
    id: int
    order_id: str | None
    aggregate_type: str
    aggregate_id: str
    workflow_type: str
    process_instance_key: int
    incident_key: int
    kind: str
    element_id: str
    error_message: str
    incident_created_at: datetime
    opened_at: datetime
    closed_at: datetime | None
    close_reason: str | None

    @classmethod
    def of(cls, alert: OperationalAlert) -> OperationalAlertView:
        return cls(
            id=alert.id,
            order_id=alert.order_id,
            aggregate_type=alert.aggregate_type,
            aggregate_id=alert.aggregate_id,
            workflow_type=alert.workflow_type,
            process_instance_key=alert.process_instance_key,
            incident_key=alert.incident_key,
            kind=alert.kind,
            element_id=alert.element_id,
            error_message=alert.error_message,
            incident_created_at=alert.incident_created_at,
            opened_at=alert.opened_at,
            closed_at=alert.closed_at,
            close_reason=alert.close_reason,
        )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def to_dict(self) -> Json:
        return {
            "id": str(self.id),
            "orderId": self.order_id,
            "aggregateType": self.aggregate_type,
            "aggregateId": self.aggregate_id,
            "workflowType": self.workflow_type,
            "processInstanceKey": str(self.process_instance_key),
            "incidentKey": str(self.incident_key),
            "kind": self.kind,
            "elementId": self.element_id,
            "errorMessage": self.error_message,
            "incidentCreatedAt": self.incident_created_at.isoformat(),
            "openedAt": self.opened_at.isoformat(),
            "closedAt": None if self.closed_at is None else self.closed_at.isoformat(),
            "closeReason": self.close_reason,
        }


@dataclass(frozen=True)
class InstanceIncidentsView:
    workflow_type: str
    business_key: str
    process_instance_key: int
    version: int
    status: str  # as last observed by the scheduler (workflow_instance_ref)
    incidents: tuple[Incident, ...]

    def to_dict(self) -> Json:
        return {
            "workflowType": self.workflow_type,
            "businessKey": self.business_key,
            "processInstanceKey": str(self.process_instance_key),
            "processDefinitionVersion": self.version,
            "status": self.status,
            "incidents": [incident.to_dict() for incident in self.incidents],
        }


@dataclass(frozen=True)
class OrderIncidentsView:
    """The incidents of every process instance of an order, and the order's operational alerts."""

    order_id: str
    instances: tuple[InstanceIncidentsView, ...]
    alerts: tuple[OperationalAlertView, ...]

    @property
    def active_incidents(self) -> tuple[Incident, ...]:
        return tuple(i for instance in self.instances for i in instance.incidents if i.is_active)

    @property
    def open_alerts(self) -> tuple[OperationalAlertView, ...]:
        return tuple(alert for alert in self.alerts if alert.is_open)

    def to_dict(self) -> Json:
        return {
            "orderId": self.order_id,
            "instances": [instance.to_dict() for instance in self.instances],
            "alerts": [alert.to_dict() for alert in self.alerts],
        }


# ---------------------------------------------------------------------------------------- query


def order_incidents(uow: UnitOfWork, source: IncidentSource, order_id: str) -> OrderIncidentsView:
    """The order's process instances (``workflow_instance_ref``, through their start requests) with
    their incidents as the engine has them now, and the order's alerts. ``NotFound`` for an order
    the tenant does not have. Reads the engine once per instance."""
    if uow.orders.get(order_id) is None:
        raise NotFound.of("productOrder", order_id)
    instances = tuple(_with_incidents(ref, source) for ref in uow.workflow_instances.of_order(order_id))
    alerts = tuple(OperationalAlertView.of(alert) for alert in uow.operational_alerts.of_order(order_id))
    return OrderIncidentsView(order_id, instances, alerts)


def _with_incidents(ref: InstanceRef, source: IncidentSource) -> InstanceIncidentsView:
    return InstanceIncidentsView(
        workflow_type=ref.workflow_type,
        business_key=ref.business_key,
        process_instance_key=ref.process_instance_key,
        version=ref.process_definition_version,
        status=ref.status,
        incidents=tuple(source.incidents_of_instance(ref.process_instance_key)),
    )


# ---------------------------------------------------------------------------------------- commands


@dataclass(frozen=True)
class OpenOperationalAlert:
    ref: InstanceRef
    incident: Incident


@dataclass(frozen=True)
class CloseOperationalAlert:
    incident_key: int
    reason: str  # incidentResolved, incidentGone


def open_operational_alert(uow: UnitOfWork, request: OpenOperationalAlert) -> OperationalAlertView | None:
    """The alert of a persisting incident; None when the incident has one already (open or closed:
    an incident gets one alert, a new incident after a resolution gets its own)."""
    require_operations_actor(uow, "open an operational alert")
    ref, incident = request.ref, request.incident
    alert = uow.operational_alerts.open(
        NewOperationalAlert(
            order_id=ref.order_id,
            aggregate_type=ref.aggregate_type,
            aggregate_id=ref.aggregate_id,
            workflow_type=ref.workflow_type,
            process_instance_key=ref.process_instance_key,
            incident_key=incident.key,
            kind=incident.error_type,
            element_id=incident.element_id,
            error_message=incident.error_message,
            incident_created_at=incident.created_at,
        )
    )
    if alert is None:
        return None
    view = OperationalAlertView.of(alert)
    uow.audit.record("openOperationalAlert", "operationalAlert", str(alert.id), None, _audit(view))
    return view


def close_operational_alert(uow: UnitOfWork, request: CloseOperationalAlert) -> OperationalAlertView | None:
    """Closed now; None when the incident has no open alert (closing twice changes nothing)."""
    require_operations_actor(uow, "close an operational alert")
    if request.reason not in (INCIDENT_RESOLVED, INCIDENT_GONE):
        raise ValueError(f"unknown close reason {request.reason!r}")
    alert = uow.operational_alerts.close(request.incident_key, request.reason)
    if alert is None:
        return None
    view = OperationalAlertView.of(alert)
    uow.audit.record("closeOperationalAlert", "operationalAlert", str(alert.id), {"open": True}, _audit(view))
    return view


def _audit(view: OperationalAlertView) -> Json:
    return {
        "orderId": view.order_id,
        "processInstanceKey": str(view.process_instance_key),
        "incidentKey": str(view.incident_key),
        "kind": view.kind,
        "open": view.is_open,
        "closeReason": view.close_reason,
    }
