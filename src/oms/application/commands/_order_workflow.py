"""The workflow start requests of the order commands, written in the command's transaction.
Variables are routing context only: the tenant, the ids the workers need, the correlation id."""

from __future__ import annotations

from oms.application.unit_of_work import UnitOfWork
from oms.application.workflow import (
    FALLOUT_REPAIR_WORKFLOW,
    ORDER_AMENDMENT_WORKFLOW,
    ORDER_CANCELLATION_WORKFLOW,
    ORDER_FULFILLMENT_WORKFLOW,
    WorkflowStartRequest,
    fallout_repair_business_key,
    order_amendment_business_key,
    order_cancellation_business_key,
    order_fulfillment_business_key,
)


def _start(uow: UnitOfWork, workflow_type: str, key: str, aggregate: tuple[str, str], **ids: str) -> None:
    tenant_id = uow.context.tenant_id
    uow.workflow_starts.request(
        WorkflowStartRequest(
            workflow_type=workflow_type,
            business_key=key,
            aggregate_type=aggregate[0],
            aggregate_id=aggregate[1],
            variables={"tenantId": tenant_id, **ids, "correlationId": uow.context.correlation_id},
        )
    )


def start_fulfillment(uow: UnitOfWork, order_id: str) -> None:
    key = order_fulfillment_business_key(uow.context.tenant_id, order_id)
    _start(uow, ORDER_FULFILLMENT_WORKFLOW, key, ("productOrder", order_id), orderId=order_id)


def start_cancellation(uow: UnitOfWork, order_id: str, request_id: str) -> None:
    key = order_cancellation_business_key(uow.context.tenant_id, order_id, request_id)
    _start(
        uow,
        ORDER_CANCELLATION_WORKFLOW,
        key,
        ("cancelProductOrder", request_id),
        orderId=order_id,
        cancellationRequestId=request_id,
    )


def start_amendment(uow: UnitOfWork, order_id: str, request_id: str) -> None:
    key = order_amendment_business_key(uow.context.tenant_id, order_id, request_id)
    _start(
        uow,
        ORDER_AMENDMENT_WORKFLOW,
        key,
        ("productOrderAmendment", request_id),
        orderId=order_id,
        amendmentRequestId=request_id,
    )


def start_fallout_repair(uow: UnitOfWork, case_id: str, order_id: str, plan_id: str, task_id: str) -> None:
    key = fallout_repair_business_key(uow.context.tenant_id, case_id)
    _start(
        uow,
        FALLOUT_REPAIR_WORKFLOW,
        key,
        ("falloutCase", case_id),
        falloutCaseId=case_id,
        orderId=order_id,
        planId=plan_id,
        taskId=task_id,
    )
