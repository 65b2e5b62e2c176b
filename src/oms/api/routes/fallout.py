"""Operator extension (not TMF622): the fallout work queue and the repair of a case. Each repair
changes the case and the order's plan in one transaction (docs/domain-order.md); only operators
may repair (403 otherwise). Every POST takes ``Idempotency-Key`` and ``If-Match`` (the case's ETag).

| POST ``/falloutCase/{id}/...`` | body | effect |
|---|---|---|
| ``assign`` | ``{"assignee"?}`` | inRepair, assigned (default: the caller) |
| ``repairData`` | ``{"data": {...}}`` | corrects the data the task is retried with |
| ``retry`` | none | the task runs again; case resolved |
| ``completeManually`` | ``{"evidence", "externalReference"?, "data"?}`` | task completed by hand; case resolved |
| ``skip`` | ``{"reason"}`` | task skipped; case resolved |
| ``cancelOrder`` | ``{"reason"}`` | the order is given up; case cancelled |"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from oms.api.deps import ContextDep, FieldsDep, IdempotencyKeyDep, IfMatchDep, PageDep, Services, ServicesDep
from oms.api.errors import bad_request
from oms.api.render.order_operations import render_fallout_case
from oms.api.render.paths import ORDER_OPERATIONS_PREFIX
from oms.api.responses import list_response, resource_response, run_write, stored
from oms.api.schemas.common import ERROR_RESPONSES
from oms.api.schemas.order_operations import AssignIn, CompleteManuallyIn, FalloutCase, ReasonIn, RepairDataIn
from oms.application.commands.fallout import (
    AssignFalloutCase,
    CancelOrderFromFallout,
    CompleteFalloutTaskManually,
    RetryFalloutTask,
    SkipFalloutTask,
    UpdateFalloutRepairData,
    assign_fallout_case,
    cancel_order_from_fallout,
    complete_fallout_task_manually,
    retry_fallout_task,
    skip_fallout_task,
    update_fallout_repair_data,
)
from oms.application.context import RequestContext
from oms.application.fulfillment_views import FalloutCaseView
from oms.application.queries.order_criteria import FalloutFilter
from oms.application.queries.orders import get_fallout_case, list_fallout_cases
from oms.application.runner import run_query
from oms.application.unit_of_work import UnitOfWork
from oms.domain.fallout.lifecycle import FalloutStatus

router = APIRouter(prefix=ORDER_OPERATIONS_PREFIX, tags=["falloutCase"], responses=ERROR_RESPONSES)
Json = dict[str, Any]
CaseId = Annotated[str, Path(min_length=1, max_length=100)]
_CASE: dict[int | str, dict[str, Any]] = {
    200: {"model": FalloutCase, "description": "The case after the action; ETag = version"}
}


@router.get("/falloutCase", responses={200: {"model": list[FalloutCase], "description": "A page (206 when partial)"}})
def list_(
    ctx: ContextDep,
    services: ServicesDep,
    page: PageDep,
    fields: FieldsDep,
    status: Annotated[str | None, Query(description="comma-separated: open, inRepair, resolved, cancelled")] = None,
    assignee: Annotated[str | None, Query()] = None,
    order_id: Annotated[str | None, Query(alias="productOrder.id")] = None,
) -> JSONResponse:
    """The work queue, e.g. ``?status=open,inRepair``."""
    criteria = FalloutFilter(order_id, _statuses(status), assignee)
    result = run_query(services.uow_factory, ctx, lambda uow: list_fallout_cases(uow, criteria, page))
    return list_response((render_fallout_case(v) for v in result.items), result.total, page, fields)


@router.get("/falloutCase/{case_id}", responses={200: {"model": FalloutCase, "description": "ETag = version"}})
def get(case_id: CaseId, ctx: ContextDep, services: ServicesDep, fields: FieldsDep) -> JSONResponse:
    view = run_query(services.uow_factory, ctx, lambda uow: get_fallout_case(uow, case_id))
    return resource_response(stored(render_fallout_case(view), view.version), fields=fields)


@dataclass(frozen=True)
class CaseWrite:
    """What every repair route needs, gathered once: who asks, the key, the precondition, ``fields``."""

    ctx: RequestContext
    services: Services
    key: str | None
    if_match: int | None
    fields: frozenset[str] | None

    def run(
        self, action: str, case_id: str, body: BaseModel | None, repair: Callable[[UnitOfWork], FalloutCaseView]
    ) -> JSONResponse:
        def command(uow: UnitOfWork) -> Json:
            view = repair(uow)
            return stored(render_fallout_case(view), view.version)

        payload = None if body is None else body.model_dump(mode="json", by_alias=True, exclude_unset=True)
        result, replayed = run_write(
            self.services,
            self.ctx,
            key=self.key,
            # The case id is part of the operation: one key cannot replay another case's answer.
            operation=f"POST /falloutCase/{case_id}/{action}",
            body={"body": payload, "ifMatch": self.if_match},
            command=command,
        )
        return resource_response(result, fields=self.fields, replayed=replayed)


async def _case_write(
    ctx: ContextDep, services: ServicesDep, key: IdempotencyKeyDep, if_match: IfMatchDep, fields: FieldsDep
) -> CaseWrite:
    return CaseWrite(ctx, services, key, if_match, fields)


CaseWriteDep = Annotated[CaseWrite, Depends(_case_write)]


@router.post("/falloutCase/{case_id}/assign", responses=_CASE)
def assign(case_id: CaseId, write: CaseWriteDep, body: Annotated[AssignIn | None, Body()] = None) -> JSONResponse:
    """Take the case (or give it to ``assignee``): ``inRepair``."""
    request = body or AssignIn()
    command = AssignFalloutCase(case_id, request.assignee, write.if_match)
    return write.run("assign", case_id, request, lambda uow: assign_fallout_case(uow, command))


@router.post("/falloutCase/{case_id}/repairData", responses=_CASE)
def repair_data(case_id: CaseId, body: RepairDataIn, write: CaseWriteDep) -> JSONResponse:
    """Correct the data the task works with (merged into ``repairData``) before a retry."""
    command = UpdateFalloutRepairData(case_id, body.data, write.if_match)
    return write.run("repairData", case_id, body, lambda uow: update_fallout_repair_data(uow, command))


@router.post("/falloutCase/{case_id}/retry", responses=_CASE)
def retry(case_id: CaseId, write: CaseWriteDep) -> JSONResponse:
    """Run the failed task again (a new run with a new idempotency key); the case is resolved."""
    command = RetryFalloutTask(case_id, write.if_match)
    return write.run("retry", case_id, None, lambda uow: retry_fallout_task(uow, command))


@router.post("/falloutCase/{case_id}/completeManually", responses=_CASE)
def complete_manually(case_id: CaseId, body: CompleteManuallyIn, write: CaseWriteDep) -> JSONResponse:
    """The work was done outside the OMS: complete the task by hand, with ``evidence``."""
    command = CompleteFalloutTaskManually(case_id, body.evidence, body.externalReference, body.data, write.if_match)
    return write.run("completeManually", case_id, body, lambda uow: complete_fallout_task_manually(uow, command))


@router.post("/falloutCase/{case_id}/skip", responses=_CASE)
def skip(case_id: CaseId, body: ReasonIn, write: CaseWriteDep) -> JSONResponse:
    """The task is not needed: skip it (``reason`` required); the case is resolved."""
    command = SkipFalloutTask(case_id, body.reason, write.if_match)
    return write.run("skip", case_id, body, lambda uow: skip_fallout_task(uow, command))


@router.post("/falloutCase/{case_id}/cancelOrder", responses=_CASE)
def cancel_order(case_id: CaseId, body: ReasonIn, write: CaseWriteDep) -> JSONResponse:
    """The issue cannot be solved: the order is cancelled at once when nothing needs undoing, else
    through a cancellation request (``GET /cancelProductOrder?productOrder.id=``); the case is cancelled."""
    command = CancelOrderFromFallout(case_id, body.reason, write.if_match)
    return write.run("cancelOrder", case_id, body, lambda uow: cancel_order_from_fallout(uow, command))


def _statuses(raw: str | None) -> frozenset[FalloutStatus]:
    names = [name.strip() for name in (raw or "").split(",") if name.strip()]
    unknown = [name for name in names if name not in set(FalloutStatus)]
    if unknown:
        raise bad_request(
            "invalidFilter", f"unknown status(es) {', '.join(unknown)}; use {', '.join(FalloutStatus)}", status=unknown
        )
    return frozenset(FalloutStatus(name) for name in names)
