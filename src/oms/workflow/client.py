"""The one interface through which the OMS reaches a workflow engine, whichever it is.

Two implementations: :class:`oms.workflow.embedded.EmbeddedWorkflowClient` calls the embedded engine
in-process, :class:`oms.workflow.camunda_sdk.CamundaWorkflowClient` talks to a Camunda 8 cluster (or
the embedded engine's REST API) through the official SDK. Both speak in the plain values below (keys
as ``int``, times as aware UTC ``datetime``) and raise the errors below, so OMS code never sees an
engine error class, an SDK model or an HTTP status.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

DEFAULT_TENANT = "<default>"

#: the states a search may filter by (the same words on both back-ends)
INSTANCE_STATES = ("ACTIVE", "COMPLETED", "TERMINATED")
INCIDENT_STATES = ("ACTIVE", "RESOLVED")

Variables = Mapping[str, Any]


# ---------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Job:
    """An activated job: the unit of work a worker handles."""

    key: int
    type: str
    process_instance_key: int
    element_instance_key: int
    element_id: str
    bpmn_process_id: str
    process_definition_key: int
    process_definition_version: int
    retries: int
    deadline: datetime
    worker: str
    tenant_id: str
    custom_headers: Mapping[str, str] = field(default_factory=dict)
    variables: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DeployedProcess:
    process_definition_key: int
    bpmn_process_id: str
    version: int
    resource_name: str
    tenant_id: str


@dataclass(frozen=True)
class DeploymentResult:
    key: int
    tenant_id: str
    processes: tuple[DeployedProcess, ...]


@dataclass(frozen=True)
class CreatedInstance:
    process_instance_key: int
    process_definition_key: int
    bpmn_process_id: str
    version: int
    tenant_id: str


@dataclass(frozen=True)
class PublishedMessage:
    key: int
    tenant_id: str


@dataclass(frozen=True)
class CorrelatedMessage:
    key: int
    tenant_id: str
    #: the first instance the message correlated to (Camunda reports one, per its API)
    process_instance_key: int


@dataclass(frozen=True)
class ProcessInstanceSummary:
    key: int
    bpmn_process_id: str
    version: int
    process_definition_key: int
    state: str  # ACTIVE, COMPLETED, TERMINATED
    has_incident: bool
    tenant_id: str
    start_date: datetime
    end_date: datetime | None


@dataclass(frozen=True)
class IncidentSummary:
    key: int
    process_instance_key: int
    element_instance_key: int
    element_id: str
    job_key: int | None
    error_type: str  # e.g. JOB_NO_RETRIES, UNHANDLED_ERROR_EVENT
    error_message: str
    state: str  # ACTIVE, RESOLVED, ...
    bpmn_process_id: str
    process_definition_key: int
    tenant_id: str
    created_at: datetime


# ---------------------------------------------------------------------------------------- errors


class WorkflowClientError(Exception):
    """A command or query was refused or could not be carried out."""


class NotFound(WorkflowClientError):
    """The key names nothing the engine knows."""


class InvalidState(WorkflowClientError):
    """The target exists but its state does not allow the command (e.g. a job no longer activated)."""


class InvalidArgument(WorkflowClientError):
    """The command's arguments are wrong (a bad model, a negative retry count...)."""


class Conflict(WorkflowClientError):
    """Something with the same identity exists already (e.g. a message id still buffered)."""


class Unavailable(WorkflowClientError):
    """The engine could not be reached or is overloaded; the same call may succeed later."""


def variable_filters(variables: Variables | None) -> list[tuple[str, str]]:
    """``variables`` as (name, value as JSON text) pairs: the form both back-ends' searches compare
    (Camunda stores and filters variable values as serialized JSON)."""
    return [(name, json.dumps(value, separators=(",", ":"))) for name, value in (variables or {}).items()]


def checked_state(state: str | None, allowed: tuple[str, ...], what: str) -> str | None:
    """A state filter, refused up front when it is not one of ``allowed``: one back-end would answer
    "nothing found" and the other "bad request"."""
    if state is not None and state not in allowed:
        raise InvalidArgument(f"Expected a {what} state among {', '.join(allowed)}, but got {state!r}")
    return state


# ---------------------------------------------------------------------------------------- protocol


class WorkflowClient(Protocol):
    """Commands and queries of a Zeebe-style engine. Every call is synchronous and thread-safe."""

    def deploy(self, *resources: tuple[str, bytes], tenant_id: str | None = None) -> DeploymentResult:
        """Deploy BPMN resources given as (file name, XML bytes)."""
        ...

    def create_instance(
        self,
        bpmn_process_id: str,
        *,
        variables: Variables | None = None,
        version: int | None = None,
        tenant_id: str | None = None,
    ) -> CreatedInstance:
        """Start an instance of the latest (or the given) version of a process."""
        ...

    def cancel_instance(self, process_instance_key: int) -> None: ...

    def set_variables(self, scope_key: int, variables: Variables, *, local: bool = False) -> None:
        """Set variables on a scope (a process instance key or an element instance key)."""
        ...

    def activate_jobs(
        self,
        job_type: str,
        *,
        worker: str,
        max_jobs: int,
        timeout_ms: int,
        request_timeout_ms: int = 0,
        fetch_variables: Sequence[str] | None = None,
    ) -> list[Job]:
        """Activate up to ``max_jobs`` jobs for ``timeout_ms``; with ``request_timeout_ms`` > 0, wait
        (long poll) that long for jobs to appear, else answer at once."""
        ...

    def complete_job(self, job_key: int, variables: Variables | None = None) -> None: ...

    def fail_job(
        self,
        job_key: int,
        *,
        retries: int,
        error_message: str = "",
        retry_backoff_ms: int = 0,
        variables: Variables | None = None,
    ) -> None:
        """Fail a job; with ``retries`` 0 the engine raises an incident."""
        ...

    def throw_error(
        self, job_key: int, *, error_code: str, error_message: str = "", variables: Variables | None = None
    ) -> None:
        """Throw a BPMN error from the job's element, to be caught by a boundary or event sub-process."""
        ...

    def update_job_retries(self, job_key: int, retries: int) -> None: ...

    def update_job_timeout(self, job_key: int, timeout_ms: int) -> None:
        """Move an activated job's deadline to now + ``timeout_ms``."""
        ...

    def publish_message(
        self,
        name: str,
        correlation_key: str,
        *,
        time_to_live_ms: int = 0,
        message_id: str | None = None,
        variables: Variables | None = None,
        tenant_id: str | None = None,
    ) -> PublishedMessage:
        """Publish a message; it waits (buffered) up to its time to live for a subscription."""
        ...

    def correlate_message(
        self, name: str, correlation_key: str, *, variables: Variables | None = None, tenant_id: str | None = None
    ) -> CorrelatedMessage:
        """Correlate a message to an open subscription now, or raise :class:`NotFound`."""
        ...

    def resolve_incident(self, incident_key: int) -> None: ...

    def search_instances(
        self,
        *,
        bpmn_process_id: str | None = None,
        process_instance_key: int | None = None,
        state: str | None = None,
        has_incident: bool | None = None,
        variables: Variables | None = None,
        limit: int = 100,
    ) -> list[ProcessInstanceSummary]:
        """Instances matching every given filter, oldest key first. ``variables``: instances having
        each named variable with exactly that value (a JSON value; strings compare as strings).

        On Camunda 8 a search reads the exported (eventually consistent) view: an instance created a
        moment ago may not be found yet."""
        ...

    def search_incidents(
        self,
        *,
        process_instance_key: int | None = None,
        bpmn_process_id: str | None = None,
        job_key: int | None = None,
        state: str | None = None,
        limit: int = 100,
    ) -> list[IncidentSummary]:
        """Incidents matching every given filter, oldest key first."""
        ...

    def close(self) -> None: ...
