"""Durable requests to the workflow engine, written in the business transaction and relayed to the
engine after commit (the relay is later work). Only routing context travels as variables: ids and
the correlation id, never aggregates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The BPMN process id of the quote approval process (the workflow type of its start requests).
QUOTE_APPROVAL_WORKFLOW = "quote-approval"


def quote_approval_business_key(tenant_id: str, quote_id: str, approval_case_id: str) -> str:
    return f"quote:{tenant_id}:{quote_id}:approval:{approval_case_id}"


@dataclass(frozen=True)
class WorkflowStartRequest:
    """Unique per (tenant, workflow type, business key): asking twice is asking once."""

    workflow_type: str
    business_key: str
    aggregate_type: str
    aggregate_id: str
    variables: dict[str, Any] = field(default_factory=dict)
