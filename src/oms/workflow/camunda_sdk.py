"""The workflow client over the official Camunda 8 SDK (``camunda-orchestration-sdk``, REST API v2).

The SDK reads its address and credentials from its own ``CAMUNDA_*`` environment variables
(``CAMUNDA_REST_ADDRESS``, ``CAMUNDA_AUTH_STRATEGY``, ``CAMUNDA_CLIENT_ID``...), so pointing the
OMS at a real cluster is configuration only. Explicit ``configuration`` entries win over the
environment (tests use them to target the embedded engine's REST app).

Only the SDK's low-level calls are used, on its synchronous client: the worker runtime brings its
own long-poll loop, because the SDK's job worker sleeps a second after every poll. This module
must not import the embedded engine: it is the path to a real cluster.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any, cast

import httpx
from camunda_orchestration_sdk import CamundaClient
from camunda_orchestration_sdk.models import (
    CancelProcessInstanceRequest,
    CreateDeploymentData,
    DeploymentMetadataResultProcessDefinition,
    IncidentSearchQuery,
    IncidentSearchQueryFilter,
    IncidentSearchQuerySortRequest,
    IncidentSearchQuerySortRequestField,
    IncidentStateExactMatch,
    JobActivationRequest,
    JobChangeset,
    JobCompletionRequest,
    JobCompletionRequestVariables,
    JobErrorRequest,
    JobErrorRequestVariables,
    JobFailRequest,
    JobFailRequestVariables,
    JobUpdateRequest,
    LimitBasedPagination,
    MessageCorrelationRequest,
    MessageCorrelationRequestVariables,
    MessagePublicationRequest,
    MessagePublicationRequestVariables,
    ProcessCreationById,
    ProcessInstanceCreationInstructionBaseVariables,
    ProcessInstanceSearchQuery,
    ProcessInstanceSearchQueryFilter,
    ProcessInstanceSearchQuerySortRequest,
    ProcessInstanceSearchQuerySortRequestField,
    ProcessInstanceStateExactMatch,
    SetVariableRequest,
    SetVariableRequestVariables,
    SortOrderEnum,
    VariableValueFilterProperty,
)
from camunda_orchestration_sdk.runtime.configuration_resolver import CamundaSdkConfigPartial
from camunda_orchestration_sdk.semantic_types import (
    ElementInstanceKey,
    IncidentKey,
    JobKey,
    ProcessDefinitionId,
    ProcessInstanceKey,
    TenantId,
)
from camunda_orchestration_sdk.types import UNSET, File

from oms.workflow.camunda_wire import (
    incident_of,
    instance_of,
    job_of,
    or_unset,
    translated,
    validated,
    wire,
)
from oms.workflow.client import (
    INCIDENT_STATES,
    INSTANCE_STATES,
    CorrelatedMessage,
    CreatedInstance,
    DeployedProcess,
    DeploymentResult,
    IncidentSummary,
    InvalidArgument,
    Job,
    ProcessInstanceSummary,
    PublishedMessage,
    Variables,
    WorkflowClientError,
    checked_state,
    variable_filters,
)

#: every HTTP call may take this long; a long poll must ask the server to answer well before it
DEFAULT_HTTP_TIMEOUT_S = 60.0
_LONG_POLL_MARGIN_S = 5.0


class CamundaWorkflowClient:
    """A :class:`~oms.workflow.client.WorkflowClient` over the SDK's synchronous client.

    ``configuration`` entries override the SDK's environment variables; ``httpx_args`` go to the
    SDK's HTTP client (a custom transport, e.g. an in-process one in tests)."""

    def __init__(
        self,
        configuration: Mapping[str, str] | None = None,
        *,
        httpx_args: Mapping[str, Any] | None = None,
        http_timeout_s: float = DEFAULT_HTTP_TIMEOUT_S,
    ) -> None:
        self._http_timeout_s = http_timeout_s
        self._sdk = CamundaClient(
            configuration=cast(CamundaSdkConfigPartial, dict(configuration)) if configuration else None,
            httpx_args=dict(httpx_args or {}),
            timeout=httpx.Timeout(http_timeout_s, connect=min(10.0, http_timeout_s)),
        )
        # The SDK builds its httpx client lazily, unguarded: build it now, before threads share it.
        self._sdk.client.get_httpx_client()

    def close(self) -> None:
        self._sdk.close()

    # ------------------------------------------------------------------ deployment and instances

    def deploy(self, *resources: tuple[str, bytes], tenant_id: str | None = None) -> DeploymentResult:
        with validated():
            data = CreateDeploymentData(
                resources=[File(payload=io.BytesIO(content), file_name=name) for name, content in resources],
                tenant_id=TenantId(tenant_id) if tenant_id else UNSET,
            )
        with translated():
            result = self._sdk.create_deployment(data=data)
        processes: list[DeployedProcess] = []
        for deployed in result.deployments:
            definition = deployed.process_definition
            if definition is None:
                continue  # a DMN, form or plain resource: no process
            if not isinstance(definition, DeploymentMetadataResultProcessDefinition):
                # The SDK falls back to a raw dict when the server leaves out a required field.
                raise WorkflowClientError(f"Unexpected process definition in the deployment result: {definition!r}")
            processes.append(
                DeployedProcess(
                    process_definition_key=int(definition.process_definition_key),
                    bpmn_process_id=str(definition.process_definition_id),
                    version=definition.process_definition_version,
                    resource_name=definition.resource_name,
                    tenant_id=str(definition.tenant_id),
                )
            )
        return DeploymentResult(
            key=int(result.deployment_key), tenant_id=str(result.tenant_id), processes=tuple(processes)
        )

    def create_instance(
        self,
        bpmn_process_id: str,
        *,
        variables: Variables | None = None,
        version: int | None = None,
        tenant_id: str | None = None,
    ) -> CreatedInstance:
        with validated():
            data = ProcessCreationById(
                process_definition_id=ProcessDefinitionId(bpmn_process_id),
                process_definition_version=or_unset(version),
                variables=wire(variables, ProcessInstanceCreationInstructionBaseVariables.from_dict),
                tenant_id=TenantId(tenant_id) if tenant_id else UNSET,
            )
        with translated():
            created = self._sdk.create_process_instance(data=data)
        return CreatedInstance(
            process_instance_key=int(created.process_instance_key),
            process_definition_key=int(created.process_definition_key),
            bpmn_process_id=str(created.process_definition_id),
            version=created.process_definition_version,
            tenant_id=str(created.tenant_id),
        )

    def cancel_instance(self, process_instance_key: int) -> None:
        with translated():
            # An empty request object: without one the SDK fails to serialise its UNSET body.
            self._sdk.cancel_process_instance(
                ProcessInstanceKey(str(process_instance_key)), data=CancelProcessInstanceRequest()
            )

    def set_variables(self, scope_key: int, variables: Variables, *, local: bool = False) -> None:
        with translated():
            self._sdk.create_element_instance_variables(
                ElementInstanceKey(str(scope_key)),
                data=SetVariableRequest(variables=SetVariableRequestVariables.from_dict(dict(variables)), local=local),
            )

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
        if request_timeout_ms / 1000 + _LONG_POLL_MARGIN_S > self._http_timeout_s:
            raise InvalidArgument(
                f"Expected a long-poll request timeout below {self._http_timeout_s - _LONG_POLL_MARGIN_S} s"
                f" (the HTTP timeout less a margin), but got {request_timeout_ms} ms"
            )
        data = JobActivationRequest(
            type_=job_type,
            timeout=timeout_ms,
            max_jobs_to_activate=max_jobs,
            worker=worker,
            # The API reads 0 (or nothing) as "the server's default long poll"; negative means none.
            request_timeout=request_timeout_ms if request_timeout_ms > 0 else -1,
            fetch_variable=list(fetch_variables) if fetch_variables is not None else UNSET,
        )
        with translated():
            result = self._sdk.activate_jobs(data=data)
        return [job_of(job) for job in result.jobs]

    def complete_job(self, job_key: int, variables: Variables | None = None) -> None:
        data = JobCompletionRequest(variables=wire(variables, JobCompletionRequestVariables.from_dict))
        with translated():
            self._sdk.complete_job(JobKey(str(job_key)), data=data)

    def fail_job(
        self,
        job_key: int,
        *,
        retries: int,
        error_message: str = "",
        retry_backoff_ms: int = 0,
        variables: Variables | None = None,
    ) -> None:
        data = JobFailRequest(
            retries=retries,
            error_message=error_message,
            retry_back_off=retry_backoff_ms,
            variables=wire(variables, JobFailRequestVariables.from_dict),
        )
        with translated():
            self._sdk.fail_job(JobKey(str(job_key)), data=data)

    def throw_error(
        self, job_key: int, *, error_code: str, error_message: str = "", variables: Variables | None = None
    ) -> None:
        data = JobErrorRequest(
            error_code=error_code,
            error_message=error_message,
            variables=wire(variables, JobErrorRequestVariables.from_dict),
        )
        with translated():
            self._sdk.throw_job_error(JobKey(str(job_key)), data=data)

    def update_job_retries(self, job_key: int, retries: int) -> None:
        with translated():
            self._sdk.update_job(JobKey(str(job_key)), data=JobUpdateRequest(changeset=JobChangeset(retries=retries)))

    def update_job_timeout(self, job_key: int, timeout_ms: int) -> None:
        with translated():
            self._sdk.update_job(
                JobKey(str(job_key)), data=JobUpdateRequest(changeset=JobChangeset(timeout=timeout_ms))
            )

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
        with validated():
            data = MessagePublicationRequest(
                name=name,
                correlation_key=correlation_key,
                time_to_live=time_to_live_ms,
                message_id=or_unset(message_id),
                variables=wire(variables, MessagePublicationRequestVariables.from_dict),
                tenant_id=TenantId(tenant_id) if tenant_id else UNSET,
            )
        with translated():
            published = self._sdk.publish_message(data=data)
        return PublishedMessage(key=int(published.message_key), tenant_id=str(published.tenant_id))

    def correlate_message(
        self, name: str, correlation_key: str, *, variables: Variables | None = None, tenant_id: str | None = None
    ) -> CorrelatedMessage:
        with validated():
            data = MessageCorrelationRequest(
                name=name,
                correlation_key=correlation_key,
                variables=wire(variables, MessageCorrelationRequestVariables.from_dict),
                tenant_id=TenantId(tenant_id) if tenant_id else UNSET,
            )
        with translated():
            correlated = self._sdk.correlate_message(data=data)
        return CorrelatedMessage(
            key=int(correlated.message_key),
            tenant_id=str(correlated.tenant_id),
            process_instance_key=int(correlated.process_instance_key),
        )

    def resolve_incident(self, incident_key: int) -> None:
        with translated():
            self._sdk.resolve_incident(IncidentKey(str(incident_key)))

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
        with validated():
            query = ProcessInstanceSearchQuery(
                filter_=ProcessInstanceSearchQueryFilter(
                    process_definition_id=or_unset(bpmn_process_id),
                    process_instance_key=or_unset(None if process_instance_key is None else str(process_instance_key)),
                    state=ProcessInstanceStateExactMatch(state)
                    if checked_state(state, INSTANCE_STATES, "process instance")
                    else UNSET,
                    has_incident=or_unset(has_incident),
                    variables=[VariableValueFilterProperty(name=n, value=v) for n, v in variable_filters(variables)]
                    or UNSET,
                ),
                sort=[
                    ProcessInstanceSearchQuerySortRequest(
                        field=ProcessInstanceSearchQuerySortRequestField.PROCESSINSTANCEKEY, order=SortOrderEnum.ASC
                    )
                ],
                page=LimitBasedPagination(limit=limit),
            )
        with translated():
            found = self._sdk.search_process_instances(data=query)
        return [instance_of(item) for item in found.items]

    def search_incidents(
        self,
        *,
        process_instance_key: int | None = None,
        bpmn_process_id: str | None = None,
        job_key: int | None = None,
        state: str | None = None,
        limit: int = 100,
    ) -> list[IncidentSummary]:
        with validated():
            query = IncidentSearchQuery(
                filter_=IncidentSearchQueryFilter(
                    process_instance_key=or_unset(None if process_instance_key is None else str(process_instance_key)),
                    process_definition_id=or_unset(bpmn_process_id),
                    job_key=or_unset(None if job_key is None else str(job_key)),
                    state=IncidentStateExactMatch(state)
                    if checked_state(state, INCIDENT_STATES, "incident")
                    else UNSET,
                ),
                sort=[
                    IncidentSearchQuerySortRequest(
                        field=IncidentSearchQuerySortRequestField.INCIDENTKEY, order=SortOrderEnum.ASC
                    )
                ],
                page=LimitBasedPagination(limit=limit),
            )
        with translated():
            found = self._sdk.search_incidents(data=query)
        return [incident_of(item) for item in found.items]
