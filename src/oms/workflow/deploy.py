"""``oms workflow deploy``: deploy every BPMN model of :mod:`oms.workflow.processes` in one deployment.

A deployment is all or nothing; a model whose content did not change keeps its version, a changed
one becomes the next version (running instances stay on theirs). It goes through the
:class:`~oms.workflow.client.WorkflowClient`, so the same call deploys to the embedded engine or to
a Camunda 8 cluster.
"""

from __future__ import annotations

from oms.workflow import processes
from oms.workflow.client import DeployedProcess, DeploymentResult, WorkflowClient


def deploy_processes(client: WorkflowClient, *, tenant_id: str | None = None) -> DeploymentResult:
    """Deploy every model; raises the client's errors (``InvalidArgument`` for a model it refuses)."""
    return client.deploy(*processes.resources(), tenant_id=tenant_id)


def describe(process: DeployedProcess) -> str:
    """One line per deployed process, for the command line."""
    return (
        f"{process.bpmn_process_id} version {process.version} "
        f"(key {process.process_definition_key}, {process.resource_name}, tenant {process.tenant_id})"
    )
