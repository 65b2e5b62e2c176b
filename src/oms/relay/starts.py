"""Process starts: ``workflow_start_request`` rows become process instances, one per business key.

Every instance is created with the variable ``businessKey``. The first attempt of a request creates
the instance at once. Any later attempt (the previous one failed, or the relay died between
"instance created" and "request marked started") first searches the engine for an instance of the
process with that ``businessKey``, in any state, and records the one it finds instead of creating a
second. On Camunda 8 that search reads the exported view, which trails the engine by a moment, so
no retry starts sooner than ``search_lag`` after the attempt before it (the claim lease and every
back-off are at least that long).
"""

from __future__ import annotations

from typing import Final

import structlog

from oms.relay.options import RelayOptions, run_each
from oms.relay.store import RelayStore, StartedInstance, StartRequest
from oms.workflow.client import ProcessInstanceSummary, WorkflowClient, WorkflowClientError

BUSINESS_KEY_VARIABLE: Final = "businessKey"

_log = structlog.get_logger("oms.relay")


def instance_status(summary: ProcessInstanceSummary) -> str:
    """The engine's state in ``workflow_instance_ref``'s words."""
    if summary.state == "COMPLETED":
        return "completed"
    if summary.state == "TERMINATED":
        return "terminated"
    return "incident" if summary.has_incident else "active"


class StartRelay:
    def __init__(self, store: RelayStore, client: WorkflowClient, options: RelayOptions | None = None) -> None:
        self._store = store
        self._client = client
        self._options = options or RelayOptions()

    def run_once(self) -> int:
        """Claim the due start requests and start each; the number claimed."""
        requests = self._store.claim_start_requests(limit=self._options.batch_size, lease=self._options.claim_lease)
        run_each(requests, self._start, self._options.concurrency)
        return len(requests)

    def _start(self, request: StartRequest) -> None:
        log = _log.bind(
            tenantId=request.tenant_id,
            correlationId=request.correlation_id,
            aggregateId=request.aggregate_id,
            workflowType=request.workflow_type,
            businessKey=request.business_key,
            attempt=request.attempt,
        )
        try:
            instance = self._existing(request) if request.attempt > 1 else None
            adopted = instance is not None
            if instance is None:
                instance = self._create(request)
        except WorkflowClientError as error:
            self._failed(request, f"{type(error).__name__}: {error}", log)
            return
        self._store.record_started(request, instance)
        log.info(
            "process instance found for the business key" if adopted else "process instance started",
            processInstanceKey=instance.process_instance_key,
        )

    def _existing(self, request: StartRequest) -> StartedInstance | None:
        found = self._client.search_instances(
            bpmn_process_id=request.workflow_type,
            variables={BUSINESS_KEY_VARIABLE: request.business_key},
            limit=1,
        )
        if not found:
            return None
        summary = found[0]
        return StartedInstance(
            process_instance_key=summary.key,
            process_definition_key=summary.process_definition_key,
            bpmn_process_id=summary.bpmn_process_id,
            version=summary.version,
            status=instance_status(summary),
        )

    def _create(self, request: StartRequest) -> StartedInstance:
        created = self._client.create_instance(
            request.workflow_type,
            variables={**request.variables, BUSINESS_KEY_VARIABLE: request.business_key},
        )
        return StartedInstance(
            process_instance_key=created.process_instance_key,
            process_definition_key=created.process_definition_key,
            bpmn_process_id=created.bpmn_process_id,
            version=created.version,
            status="active",
        )

    def _failed(self, request: StartRequest, error: str, log: structlog.typing.FilteringBoundLogger) -> None:
        if self._options.backoff.exhausted(request.attempt):
            self._store.record_start_failure(request, error, retry_at=None)
            log.error("process start failed for good", error=error)
            return
        retry_at = self._store.now() + self._options.retry_delay(request.attempt)
        self._store.record_start_failure(request, error, retry_at=retry_at)
        log.warning("process start failed; will retry", error=error, retryAt=retry_at.isoformat())
