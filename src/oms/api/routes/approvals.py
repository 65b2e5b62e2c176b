"""Quote approval (an extension of TMF648, which has no approval resource):
``GET /quote/{id}/approval`` shows the case a pending quote waits for, and
``POST /quote/{id}/approval/decision`` records an approver's decision on the level the case waits for.

Who may decide is the domain's rule: an approver holding the level's role, for themselves; a service
actor only naming the approver. When the API runs without the quote-approval process
(``ApprovalOutcomeMode.INLINE``, as ``oms dev`` does today) the decision that closes the case also
applies its outcome to the quote, in the same transaction."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from oms.api.config import ApprovalOutcomeMode
from oms.api.deps import ContextDep, FieldsDep, IdempotencyKeyDep, IfMatchDep, ServicesDep
from oms.api.render.paths import QUOTE_PREFIX, approval_href, quote_href
from oms.api.responses import resource_response, run_write, stored
from oms.api.schemas.common import ERROR_RESPONSES
from oms.api.schemas.quote import ApprovalCase, ApprovalDecisionIn
from oms.application.commands.approval import (
    ApplyApprovalOutcome,
    RecordApprovalDecision,
    apply_approval_outcome,
    record_approval_decision,
)
from oms.application.errors import NotFound
from oms.application.queries.approvals import get_approval_case
from oms.application.queries.quotes import get_quote
from oms.application.runner import run_query
from oms.application.unit_of_work import UnitOfWork
from oms.application.views import ApprovalCaseView
from oms.domain.approval.case import ApprovalCaseState, DecisionOutcome

router = APIRouter(prefix=QUOTE_PREFIX, tags=["approval"], responses=ERROR_RESPONSES)
Json = dict[str, Any]
QuoteId = Annotated[str, Path(min_length=1, max_length=64)]


@router.get("/quote/{quote_id}/approval", responses={200: {"model": ApprovalCase, "description": "ETag = version"}})
def get_approval(quote_id: QuoteId, ctx: ContextDep, services: ServicesDep, fields: FieldsDep) -> JSONResponse:
    def query(uow: UnitOfWork) -> Json:
        quote = get_quote(uow, quote_id)
        case = get_approval_case(uow, _case_id(quote_id, quote.approval_case_id))
        return stored(render_case(case, quote.state), case.version)

    return resource_response(run_query(services.uow_factory, ctx, query), fields=fields)


@router.post(
    "/quote/{quote_id}/approval/decision",
    responses={200: {"model": ApprovalCase, "description": "The case after the decision; ETag = version"}},
)
def decide(
    quote_id: QuoteId,
    decision: ApprovalDecisionIn,
    ctx: ContextDep,
    services: ServicesDep,
    key: IdempotencyKeyDep,
    if_match: IfMatchDep,
    fields: FieldsDep,
) -> JSONResponse:
    """Approve or reject the level the case waits for. ``If-Match`` is the case's ETag."""
    inline = services.config.approval_outcome is ApprovalOutcomeMode.INLINE

    def command(uow: UnitOfWork) -> Json:
        quote = get_quote(uow, quote_id)
        request = RecordApprovalDecision(
            case_id=_case_id(quote_id, quote.approval_case_id),
            outcome=DecisionOutcome(decision.decision),
            comment=decision.comment,
            approver_id=decision.approverId,
            role=decision.role,
            expected_version=if_match,
        )
        case = record_approval_decision(uow, request)
        quote_state = quote.state
        if inline and case.state != ApprovalCaseState.OPEN:
            quote_state = apply_approval_outcome(uow, ApplyApprovalOutcome(case.id)).state
        return stored(render_case(case, quote_state), case.version)

    body = {"body": decision.model_dump(mode="json", by_alias=True, exclude_unset=True), "ifMatch": if_match}
    result, replayed = run_write(
        services, ctx, key=key, operation=f"POST /quote/{quote_id}/approval/decision", body=body, command=command
    )
    return resource_response(result, fields=fields, replayed=replayed)


def render_case(case: ApprovalCaseView, quote_state: str) -> Json:
    return {
        "id": case.id,
        "href": approval_href(case.quote_id),
        "@type": "ApprovalCase",
        "quoteId": case.quote_id,
        "quote": {"id": case.quote_id, "href": quote_href(case.quote_id), "state": quote_state},
        **{k: v for k, v in case.to_dict().items() if k not in ("id", "quoteId", "version")},
    }


def _case_id(quote_id: str, case_id: str | None) -> str:
    if case_id is None:
        raise NotFound(f"quote {quote_id!r} has no approval case", {"kind": "approvalCase", "quoteId": quote_id})
    return case_id
