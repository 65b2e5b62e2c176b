"""The workflow client over the embedded engine, in-process: every call is a direct engine call."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
import psycopg_pool

from oms.engine.api import Engine
from oms.engine.commands.jobs import ActivatedJob
from oms.engine.errors import (
    AlreadyExistsError,
    EngineError,
    InvalidArgumentError,
    InvalidStateError,
    NotFoundError,
)
from oms.engine.search import INCIDENTS, PROCESS_INSTANCES, Entity, SearchQuery
from oms.engine.state.json import dumps
from oms.workflow.client import (
    DEFAULT_TENANT,
    INCIDENT_STATES,
    INSTANCE_STATES,
    Conflict,
    CorrelatedMessage,
    CreatedInstance,
    DeployedProcess,
    DeploymentResult,
    IncidentSummary,
    InvalidArgument,
    InvalidState,
    Job,
    NotFound,
    ProcessInstanceSummary,
    PublishedMessage,
    Unavailable,
    Variables,
    WorkflowClientError,
    checked_state,
    variable_filters,
)


@contextmanager
def _translated() -> Iterator[None]:
    """Engine rejections as client errors, so callers handle one vocabulary for both back-ends."""
    try:
        yield
    except NotFoundError as error:
        raise NotFound(str(error)) from error
    except InvalidStateError as error:
        raise InvalidState(str(error)) from error
    except InvalidArgumentError as error:
        raise InvalidArgument(str(error)) from error
    except AlreadyExistsError as error:
        raise Conflict(str(error)) from error
    except EngineError as error:
        raise WorkflowClientError(str(error)) from error
    except (psycopg.OperationalError, psycopg_pool.PoolTimeout) as error:
        raise Unavailable(str(error)) from error


def _plain(value: Any) -> Any:
    """Engine values as plain JSON values. The engine keeps JSON numbers as ``Decimal`` (FEEL numbers
    are decimals); a worker must see the same types whichever client delivered the job, and over
    REST they arrive as JSON numbers."""
    return json.loads(dumps(value))


def _variables(variables: Variables | None) -> dict[str, Any] | None:
    return None if variables is None else dict(variables)


class EmbeddedWorkflowClient:
    """A :class:`~oms.workflow.client.WorkflowClient` that calls an :class:`Engine` directly.

    The engine is the caller's: ``close`` does not close it (tests and ``oms dev`` share one engine
    between the client, the REST app and the background services)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def close(self) -> None:
        """Nothing to release: the engine belongs to whoever created it."""

    # ------------------------------------------------------------------ deployment and instances

    def deploy(self, *resources: tuple[str, bytes], tenant_id: str | None = None) -> DeploymentResult:
        with _translated():
            deployment = self._engine.deploy(*resources, tenant_id=tenant_id or DEFAULT_TENANT)
        return DeploymentResult(
            key=deployment.key,
            tenant_id=deployment.tenant_id,
            processes=tuple(
                DeployedProcess(
                    process_definition_key=p.key,
                    bpmn_process_id=p.bpmn_process_id,
                    version=p.version,
                    resource_name=p.resource_name,
                    tenant_id=p.tenant_id,
                )
                for p in deployment.processes
            ),
        )

    def create_instance(
        self,
        bpmn_process_id: str,
        *,
        variables: Variables | None = None,
        version: int | None = None,
        tenant_id: str | None = None,
    ) -> CreatedInstance:
        with _translated():
            created = self._engine.create_instance(
                bpmn_process_id,
                version=version,
                variables=_variables(variables),
                tenant_id=tenant_id or DEFAULT_TENANT,
            )
        return CreatedInstance(
            process_instance_key=created.process_instance_key,
            process_definition_key=created.process_definition_key,
            bpmn_process_id=created.bpmn_process_id,
            version=created.version,
            tenant_id=created.tenant_id,
        )

    def cancel_instance(self, process_instance_key: int) -> None:
        with _translated():
            self._engine.cancel_instance(process_instance_key)

    def set_variables(self, scope_key: int, variables: Variables, *, local: bool = False) -> None:
        with _translated():
            self._engine.set_variables(scope_key, dict(variables), local=local)

    # ------------------------------------------------------------------ jobs

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
        with _translated():
            activated = self._engine.activate_jobs(
                job_type,
                worker=worker,
                timeout_ms=timeout_ms,
                max_jobs=max_jobs,
                fetch_variables=fetch_variables,
                request_timeout_ms=max(request_timeout_ms, 0),
            )
        return [_job(job) for job in activated]

    def complete_job(self, job_key: int, variables: Variables | None = None) -> None:
        with _translated():
            self._engine.complete_job(job_key, _variables(variables))

    def fail_job(
        self,
        job_key: int,
        *,
        retries: int,
        error_message: str = "",
        retry_backoff_ms: int = 0,
        variables: Variables | None = None,
    ) -> None:
        with _translated():
            self._engine.fail_job(
                job_key,
                retries=retries,
                error_message=error_message,
                retry_backoff_ms=retry_backoff_ms,
                variables=_variables(variables),
            )

    def throw_error(
        self, job_key: int, *, error_code: str, error_message: str = "", variables: Variables | None = None
    ) -> None:
        with _translated():
            self._engine.throw_error(
                job_key, error_code=error_code, error_message=error_message, variables=_variables(variables)
            )

    def update_job_retries(self, job_key: int, retries: int) -> None:
        with _translated():
            self._engine.update_job_retries(job_key, retries)

    def update_job_timeout(self, job_key: int, timeout_ms: int) -> None:
        with _translated():
            self._engine.update_job_timeout(job_key, timeout_ms)

    # ------------------------------------------------------------------ messages and incidents

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
        with _translated():
            published = self._engine.publish_message(
                name,
                correlation_key,
                time_to_live_ms=time_to_live_ms,
                message_id=message_id,
                variables=_variables(variables),
                tenant_id=tenant_id or DEFAULT_TENANT,
            )
        return PublishedMessage(key=published.key, tenant_id=published.tenant_id)

    def correlate_message(
        self, name: str, correlation_key: str, *, variables: Variables | None = None, tenant_id: str | None = None
    ) -> CorrelatedMessage:
        with _translated():
            correlated = self._engine.correlate_message(
                name, correlation_key, variables=_variables(variables), tenant_id=tenant_id or DEFAULT_TENANT
            )
        return CorrelatedMessage(
            key=correlated.key,
            tenant_id=correlated.tenant_id,
            process_instance_key=correlated.correlated_process_instance_keys[0],
        )

    def resolve_incident(self, incident_key: int) -> None:
        with _translated():
            self._engine.resolve_incident(incident_key)

    # ------------------------------------------------------------------ searches

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
        rows = self._search(
            PROCESS_INSTANCES,
            {
                "processDefinitionId": bpmn_process_id,
                "processInstanceKey": process_instance_key,
                "state": checked_state(state, INSTANCE_STATES, "process instance"),
                "hasIncident": has_incident,
                "variables": [{"name": n, "value": v} for n, v in variable_filters(variables)] or None,
            },
            limit,
        )
        return [
            ProcessInstanceSummary(
                key=row["processInstanceKey"],
                bpmn_process_id=row["processDefinitionId"],
                version=row["processDefinitionVersion"],
                process_definition_key=row["processDefinitionKey"],
                state=row["state"],
                has_incident=row["hasIncident"],
                tenant_id=row["tenantId"],
                start_date=row["startDate"],
                end_date=row["endDate"],
            )
            for row in rows
        ]

    def search_incidents(
        self,
        *,
        process_instance_key: int | None = None,
        bpmn_process_id: str | None = None,
        job_key: int | None = None,
        state: str | None = None,
        limit: int = 100,
    ) -> list[IncidentSummary]:
        rows = self._search(
            INCIDENTS,
            {
                "processInstanceKey": process_instance_key,
                "processDefinitionId": bpmn_process_id,
                "jobKey": job_key,
                "state": checked_state(state, INCIDENT_STATES, "incident"),
            },
            limit,
        )
        return [
            IncidentSummary(
                key=row["incidentKey"],
                process_instance_key=row["processInstanceKey"],
                element_instance_key=row["elementInstanceKey"],
                element_id=row["elementId"],
                job_key=row["jobKey"],
                error_type=row["errorType"],
                error_message=row["errorMessage"],
                state=row["state"],
                bpmn_process_id=row["processDefinitionId"],
                process_definition_key=row["processDefinitionKey"],
                tenant_id=row["tenantId"],
                created_at=row["creationTime"],
            )
            for row in rows
        ]

    def _search(self, entity: Entity, filters: Mapping[str, Any], limit: int) -> list[dict[str, Any]]:
        query = SearchQuery(filter={k: v for k, v in filters.items() if v is not None}, limit=limit)
        with _translated():
            return self._engine.search.search(entity, query).items


def _job(job: ActivatedJob) -> Job:
    return Job(
        key=job.key,
        type=job.type,
        process_instance_key=job.process_instance_key,
        element_instance_key=job.element_instance_key,
        element_id=job.element_id,
        bpmn_process_id=job.bpmn_process_id,
        process_definition_key=job.process_definition_key,
        process_definition_version=job.process_definition_version,
        retries=job.retries,
        deadline=job.deadline,
        worker=job.worker,
        tenant_id=job.tenant_id,
        custom_headers=dict(job.custom_headers),
        variables=_plain(job.variables),
    )
