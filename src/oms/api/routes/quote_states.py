"""State changes of a quote as task resources (a documented extension of TMF648):
``POST /quote/{id}/submit | accept | reject | cancel``.

Why tasks rather than only ``PATCH state``: *submit* has no TMF target state (the approval policy
decides between ``approved`` and ``pending``), and a POST carries an ``Idempotency-Key``, so a client
can retry a state change safely. ``PATCH`` of ``state`` to accepted/rejected/cancelled runs the same
commands, for TMF648 clients."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path
from fastapi.responses import JSONResponse

from oms.api.deps import ContextDep, FieldsDep, IdempotencyKeyDep, IfMatchDep, ServicesDep
from oms.api.render.paths import QUOTE_PREFIX
from oms.api.render.quote import render_quote
from oms.api.responses import resource_response, run_write, stored
from oms.api.schemas.common import ERROR_RESPONSES
from oms.api.schemas.quote import Quote, StateChangeIn
from oms.application.commands.quote import (
    AcceptQuote,
    CancelQuote,
    RejectQuote,
    SubmitQuote,
    accept_quote,
    cancel_quote,
    reject_quote,
    submit_quote,
)
from oms.application.unit_of_work import UnitOfWork
from oms.application.views import QuoteView

router = APIRouter(prefix=QUOTE_PREFIX, tags=["quote"], responses=ERROR_RESPONSES)
Json = dict[str, Any]
QuoteId = Annotated[str, Path(min_length=1, max_length=64)]
StateBody = Annotated[StateChangeIn | None, Body()]
_OK: dict[int | str, dict[str, Any]] = {
    200: {"model": Quote, "description": "The quote in its new state; ETag = version"}
}


class QuoteAction(StrEnum):
    SUBMIT = "submit"
    ACCEPT = "accept"
    REJECT = "reject"
    CANCEL = "cancel"


def state_command(
    action: QuoteAction, quote_id: str, reason: str, expected_version: int | None
) -> Callable[[UnitOfWork], Json]:
    def run(uow: UnitOfWork) -> QuoteView:
        match action:
            case QuoteAction.SUBMIT:
                return submit_quote(uow, SubmitQuote(quote_id, expected_version))
            case QuoteAction.ACCEPT:
                return accept_quote(uow, AcceptQuote(quote_id, expected_version))
            case QuoteAction.REJECT:
                return reject_quote(uow, RejectQuote(quote_id, reason, expected_version))
            case QuoteAction.CANCEL:
                return cancel_quote(uow, CancelQuote(quote_id, reason, expected_version))

    def command(uow: UnitOfWork) -> Json:
        view = run(uow)
        return stored(render_quote(view), view.version)

    return command


def _task(
    action: QuoteAction,
    quote_id: str,
    body: StateChangeIn | None,
    ctx: ContextDep,
    services: ServicesDep,
    key: str | None,
    if_match: int | None,
    fields: frozenset[str] | None,
) -> JSONResponse:
    request = body or StateChangeIn()
    result, replayed = run_write(
        services,
        ctx,
        key=key,
        # The quote id is part of the operation: one key cannot replay another quote's answer.
        operation=f"POST /quote/{quote_id}/{action}",
        body={"body": request.model_dump(mode="json", by_alias=True, exclude_unset=True), "ifMatch": if_match},
        command=state_command(action, quote_id, request.reason, if_match),
    )
    return resource_response(result, fields=fields, replayed=replayed)


@router.post("/quote/{quote_id}/submit", responses=_OK)
def submit(
    quote_id: QuoteId,
    ctx: ContextDep,
    services: ServicesDep,
    key: IdempotencyKeyDep,
    if_match: IfMatchDep,
    fields: FieldsDep,
    body: StateBody = None,
) -> JSONResponse:
    """Submit a quote in progress: ``approved`` at once when the approval policy needs nobody,
    otherwise ``pending`` with an approval case (``GET .../approval``)."""
    return _task(QuoteAction.SUBMIT, quote_id, body, ctx, services, key, if_match, fields)


@router.post("/quote/{quote_id}/accept", responses=_OK)
def accept(
    quote_id: QuoteId,
    ctx: ContextDep,
    services: ServicesDep,
    key: IdempotencyKeyDep,
    if_match: IfMatchDep,
    fields: FieldsDep,
    body: StateBody = None,
) -> JSONResponse:
    """The customer accepts an approved quote (customer clients and sales agents)."""
    return _task(QuoteAction.ACCEPT, quote_id, body, ctx, services, key, if_match, fields)


@router.post("/quote/{quote_id}/reject", responses=_OK)
def reject(
    quote_id: QuoteId,
    ctx: ContextDep,
    services: ServicesDep,
    key: IdempotencyKeyDep,
    if_match: IfMatchDep,
    fields: FieldsDep,
    body: StateBody = None,
) -> JSONResponse:
    """The customer rejects an approved quote (``reason`` optional)."""
    return _task(QuoteAction.REJECT, quote_id, body, ctx, services, key, if_match, fields)


@router.post("/quote/{quote_id}/cancel", responses=_OK)
def cancel(
    quote_id: QuoteId,
    ctx: ContextDep,
    services: ServicesDep,
    key: IdempotencyKeyDep,
    if_match: IfMatchDep,
    fields: FieldsDep,
    body: StateBody = None,
) -> JSONResponse:
    """Cancel a quote in progress or pending (its open approval case is cancelled with it)."""
    return _task(QuoteAction.CANCEL, quote_id, body, ctx, services, key, if_match, fields)
