"""Reads of the engine that the :class:`~oms.workflow.client.WorkflowClient` does not offer (yet):
deployed process versions and their XML, active instances per version, and the jobs of an
instance. Two implementations, like the client's: the embedded engine in-process, and Camunda 8's
Orchestration Cluster REST API through the official SDK (``POST /v2/process-definitions/search``,
``GET /v2/process-definitions/{key}/xml``, ``POST /v2/process-instances/search``,
``POST /v2/jobs/search``). Both raise the client's errors.

Also the adapter that gives the application its :class:`~oms.application.commands.operational_alerts.IncidentSource`
over any workflow client.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Protocol, cast

import psycopg
import psycopg_pool
from camunda_orchestration_sdk import CamundaClient
from camunda_orchestration_sdk.models import (
    JobSearchQuery,
    JobSearchQueryFilter,
    JobSearchQuerySortRequest,
    JobSearchQuerySortRequestField,
    LimitBasedPagination,
    ProcessDefinitionSearchQuery,
    ProcessDefinitionSearchQuerySortRequest,
    ProcessDefinitionSearchQuerySortRequestField,
    ProcessInstanceSearchQuery,
    ProcessInstanceSearchQueryFilter,
    ProcessInstanceStateExactMatch,
    SortOrderEnum,
)
from camunda_orchestration_sdk.runtime.configuration_resolver import CamundaSdkConfigPartial
from camunda_orchestration_sdk.semantic_types import ProcessDefinitionKey

from oms.application.commands.operational_alerts import Incident
from oms.engine.errors import EngineError, NotFoundError
from oms.engine.search import JOBS, PROCESS_DEFINITIONS, PROCESS_INSTANCES, Entity, SearchQuery
from oms.workflow.camunda_wire import translated
from oms.workflow.client import (
    DeployedProcess,
    IncidentSummary,
    NotFound,
    Unavailable,
    WorkflowClient,
    WorkflowClientError,
)

if TYPE_CHECKING:
    from oms.engine.api import Engine

#: job states after which a job does nothing any more (Camunda's job states; the engine's too)
ENDED_JOB_STATES: Final = frozenset({"COMPLETED", "CANCELED", "ERROR_THROWN", "MIGRATED"})


@dataclass(frozen=True)
class JobSummary:
    key: int
    type: str
    state: str  # CREATED, FAILED, COMPLETED, ... (Camunda's last job intent)
    retries: int
    error_message: str  # the last failure's message ('' when the job never failed)
    process_instance_key: int
    element_id: str
    bpmn_process_id: str
    process_definition_key: int

    @property
    def is_live(self) -> bool:
        return self.state not in ENDED_JOB_STATES

    @property
    def has_failed(self) -> bool:
        """At least one attempt failed: the job is being retried (or, with no retries left, is an incident)."""
        return bool(self.error_message) or self.state == "FAILED"


class EngineReads(Protocol):
    def process_definitions(self, *, limit: int = 1000) -> list[DeployedProcess]:
        """Every deployed process version, oldest key first."""
        ...

    def definition_xml(self, process_definition_key: int) -> bytes:
        """The BPMN XML of a deployed version (:class:`NotFound` for an unknown key)."""
        ...

    def count_active_instances(self, process_definition_key: int, *, limit: int = 1000) -> int:
        """Active instances of the version, counted up to ``limit``."""
        ...

    def search_jobs(self, *, process_instance_key: int, limit: int = 100) -> list[JobSummary]:
        """The jobs of an instance, oldest key first."""
        ...


# ---------------------------------------------------------------------------------------- embedded


@contextmanager
def _engine_errors() -> Iterator[None]:
    try:
        yield
    except NotFoundError as error:
        raise NotFound(str(error)) from error
    except EngineError as error:
        raise WorkflowClientError(str(error)) from error
    except (psycopg.OperationalError, psycopg_pool.PoolTimeout) as error:
        raise Unavailable(str(error)) from error


class EmbeddedEngineReads:
    """Over the embedded engine's search catalog (the same one its REST API serves)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _search(self, entity: Entity, filters: Mapping[str, Any], sort: str, limit: int) -> list[dict[str, Any]]:
        query = SearchQuery(filter=dict(filters), sort=[(sort, False)], limit=limit)
        with _engine_errors():
            return self._engine.search.search(entity, query).items

    def process_definitions(self, *, limit: int = 1000) -> list[DeployedProcess]:
        rows = self._search(PROCESS_DEFINITIONS, {}, "processDefinitionKey", limit)
        return [
            DeployedProcess(
                process_definition_key=row["processDefinitionKey"],
                bpmn_process_id=row["processDefinitionId"],
                version=row["version"],
                resource_name=row["resourceName"],
                tenant_id=row["tenantId"],
            )
            for row in rows
        ]

    def definition_xml(self, process_definition_key: int) -> bytes:
        with _engine_errors():
            xml = self._engine.queries.definition_xml(process_definition_key)
        if xml is None:
            raise NotFound(f"Process definition with key '{process_definition_key}' not found")
        return xml

    def count_active_instances(self, process_definition_key: int, *, limit: int = 1000) -> int:
        filters = {"processDefinitionKey": process_definition_key, "state": "ACTIVE"}
        return len(self._search(PROCESS_INSTANCES, filters, "processInstanceKey", limit))

    def search_jobs(self, *, process_instance_key: int, limit: int = 100) -> list[JobSummary]:
        rows = self._search(JOBS, {"processInstanceKey": process_instance_key}, "jobKey", limit)
        return [
            JobSummary(
                key=row["jobKey"],
                type=row["type"],
                state=row["state"],
                retries=row["retries"],
                error_message=row["errorMessage"] or "",
                process_instance_key=row["processInstanceKey"],
                element_id=row["elementId"],
                bpmn_process_id=row["processDefinitionId"],
                process_definition_key=row["processDefinitionKey"],
            )
            for row in rows
        ]


# ---------------------------------------------------------------------------------------- Camunda 8


class CamundaEngineReads:
    """Over the official SDK (its own client: the same ``CAMUNDA_*`` settings, or ``configuration``)."""

    def __init__(
        self, configuration: Mapping[str, str] | None = None, *, httpx_args: Mapping[str, Any] | None = None
    ) -> None:
        self._sdk = CamundaClient(
            configuration=cast(CamundaSdkConfigPartial, dict(configuration)) if configuration else None,
            httpx_args=dict(httpx_args or {}),
        )
        self._sdk.client.get_httpx_client()

    def close(self) -> None:
        self._sdk.close()

    def process_definitions(self, *, limit: int = 1000) -> list[DeployedProcess]:
        query = ProcessDefinitionSearchQuery(
            sort=[
                ProcessDefinitionSearchQuerySortRequest(
                    field=ProcessDefinitionSearchQuerySortRequestField.PROCESSDEFINITIONKEY, order=SortOrderEnum.ASC
                )
            ],
            page=LimitBasedPagination(limit=limit),
        )
        with translated():
            found = self._sdk.search_process_definitions(data=query)
        return [
            DeployedProcess(
                process_definition_key=int(item.process_definition_key),
                bpmn_process_id=str(item.process_definition_id),
                version=int(item.version),
                resource_name=str(item.resource_name),
                tenant_id=str(item.tenant_id),
            )
            for item in found.items
        ]

    def definition_xml(self, process_definition_key: int) -> bytes:
        with translated():
            xml = self._sdk.get_process_definition_xml(ProcessDefinitionKey(str(process_definition_key)))
        return xml.encode() if isinstance(xml, str) else bytes(xml)

    def count_active_instances(self, process_definition_key: int, *, limit: int = 1000) -> int:
        query = ProcessInstanceSearchQuery(
            filter_=ProcessInstanceSearchQueryFilter(
                process_definition_key=str(process_definition_key), state=ProcessInstanceStateExactMatch("ACTIVE")
            ),
            page=LimitBasedPagination(limit=limit),
        )
        with translated():
            found = self._sdk.search_process_instances(data=query)
        return len(found.items)

    def search_jobs(self, *, process_instance_key: int, limit: int = 100) -> list[JobSummary]:
        query = JobSearchQuery(
            filter_=JobSearchQueryFilter(process_instance_key=str(process_instance_key)),
            sort=[JobSearchQuerySortRequest(field=JobSearchQuerySortRequestField.JOBKEY, order=SortOrderEnum.ASC)],
            page=LimitBasedPagination(limit=limit),
        )
        with translated():
            found = self._sdk.search_jobs(data=query)
        return [
            JobSummary(
                key=int(item.job_key),
                type=str(item.type_),
                state=str(getattr(item.state, "value", item.state)),
                retries=int(item.retries),
                error_message=item.error_message if isinstance(item.error_message, str) else "",
                process_instance_key=int(item.process_instance_key),
                element_id=str(item.element_id),
                bpmn_process_id=str(item.process_definition_id),
                process_definition_key=int(item.process_definition_key or 0),
            )
            for item in found.items
        ]


# ---------------------------------------------------------------------------------------- incidents


def incident_of(summary: IncidentSummary) -> Incident:
    return Incident(
        key=summary.key,
        process_instance_key=summary.process_instance_key,
        element_id=summary.element_id,
        job_key=summary.job_key,
        error_type=summary.error_type,
        error_message=summary.error_message,
        state=summary.state,
        created_at=summary.created_at,
    )


class WorkflowIncidentSource:
    """The application's ``IncidentSource`` over a workflow client's incident search."""

    def __init__(self, client: WorkflowClient, *, limit: int = 100) -> None:
        self._client = client
        self._limit = limit

    def incidents_of_instance(self, process_instance_key: int) -> list[Incident]:
        found = self._client.search_incidents(process_instance_key=process_instance_key, limit=self._limit)
        return [incident_of(summary) for summary in found]
