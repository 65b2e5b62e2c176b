"""Durable requests to the workflow engine, written in the business transaction and relayed to the
engine after commit (the relay is later work). Only routing context travels as variables: ids and
the correlation id, never aggregates.

Workflow types are the BPMN process ids; business keys make a start request unique per tenant and
workflow type, so writing one twice (a redelivered job, a replayed request) starts one process."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType
from typing import Any, Final

from oms.domain.order.keys import (
    AmendmentRequestId,
    CancellationRequestId,
    InvalidKeyPart,
    amendment_business_key,
    cancellation_business_key,
    fulfillment_business_key,
)
from oms.domain.shared.ids import OrderId

# The BPMN process ids (the workflow types of their start requests).
QUOTE_APPROVAL_WORKFLOW: Final = "quote-approval"
ORDER_FULFILLMENT_WORKFLOW: Final = "order-fulfillment"
ORDER_CANCELLATION_WORKFLOW: Final = "order-cancellation"
ORDER_AMENDMENT_WORKFLOW: Final = "order-amendment"
FALLOUT_REPAIR_WORKFLOW: Final = "fallout-repair"


def quote_approval_business_key(tenant_id: str, quote_id: str, approval_case_id: str) -> str:
    return f"quote:{tenant_id}:{quote_id}:approval:{approval_case_id}"


def order_fulfillment_business_key(tenant_id: str, order_id: str) -> str:
    """``order:{tenantId}:{orderId}:fulfillment``"""
    return fulfillment_business_key(tenant_id, OrderId(order_id))


def order_cancellation_business_key(tenant_id: str, order_id: str, request_id: str) -> str:
    """``order:{tenantId}:{orderId}:cancellation:{requestId}``"""
    return cancellation_business_key(tenant_id, OrderId(order_id), CancellationRequestId(request_id))


def order_amendment_business_key(tenant_id: str, order_id: str, request_id: str) -> str:
    """``order:{tenantId}:{orderId}:amendment:{requestId}``"""
    return amendment_business_key(tenant_id, OrderId(order_id), AmendmentRequestId(request_id))


def fallout_repair_business_key(tenant_id: str, case_id: str) -> str:
    """``fallout:{tenantId}:{falloutCaseId}:repair``"""
    for what, value in (("tenantId", tenant_id), ("falloutCaseId", case_id)):
        # ':' separates the parts; an id containing one would make two different keys read alike.
        if not value or ":" in value:
            raise InvalidKeyPart(what, value)
    return f"fallout:{tenant_id}:{case_id}:repair"


@dataclass(frozen=True)
class WorkflowStartRequest:
    """Unique per (tenant, workflow type, business key): asking twice is asking once."""

    workflow_type: str
    business_key: str
    aggregate_type: str
    aggregate_id: str
    variables: dict[str, Any] = field(default_factory=dict)


#: The time to live docs/processes.md names for a message. ``fallout.repaired``: 1 hour (the waiting
#: process is resumed at once; a message nobody waits for any more expires soon).
#: ``order.provisioning.completed``: 2 hours, as long as the provisioning timeout it races with. Other
#: messages get the relay's default (1 day).
MESSAGE_TIME_TO_LIVE: Final[Mapping[str, timedelta]] = MappingProxyType(
    {
        "fallout.repaired": timedelta(hours=1),
        "order.provisioning.completed": timedelta(hours=2),
    }
)


@dataclass(frozen=True)
class WorkflowMessage:
    """A message for a waiting process, written in the business transaction and published by the
    workflow relay after commit (with a time to live, so a process that reaches its catch event
    later still gets it). ``message_id`` is unique per tenant: writing the same message twice (a
    redelivered job, a replayed request) publishes it once, and the engine refuses a second
    publication of a buffered id."""

    name: str
    correlation_key: str
    message_id: str
    variables: dict[str, Any] = field(default_factory=dict)
    #: how long the published message waits, buffered, for its catch event; when not given, the
    #: time the contract names for this message (``MESSAGE_TIME_TO_LIVE``), else the relay's default
    time_to_live: timedelta | None = None

    def __post_init__(self) -> None:
        if self.time_to_live is None:
            object.__setattr__(self, "time_to_live", MESSAGE_TIME_TO_LIVE.get(self.name))
        elif self.time_to_live < timedelta(0):
            raise ValueError(f"Expected no negative time to live, but got {self.time_to_live} for {self.name!r}")
