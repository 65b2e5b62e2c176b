"""Approval commands: record a decision, escalate, and apply a closed case's outcome to its quote.

Who may record a decision is the domain's rule (``can_record_decision``): an approver records
their own decision for a level whose role they hold; a service actor (the workflow worker relaying
a user task) only with the deciding approver's id and role, never as itself, and it can never
change a price, since it may not change items. Every recorded decision publishes
``quote.approval.decided`` to the waiting quote-approval process, in the same transaction (message
id ``{approvalCaseId}:{decision number}``, ``approvalOutcome`` approved / rejected / pending).
Applying the outcome is the workflow's ``quote.approval.apply-decision`` step; it is safe to
repeat (a redelivered job changes nothing)."""

from __future__ import annotations

from dataclasses import dataclass

from oms.application.audit import approval_case_state, quote_state, record_case_change, record_quote_change
from oms.application.commands._loading import load_case, load_quote
from oms.application.errors import Forbidden, ValidationFailed
from oms.application.unit_of_work import UnitOfWork
from oms.application.views import ApprovalCaseView, QuoteView
from oms.application.workflow import WorkflowMessage
from oms.domain.approval.case import ApprovalCase, ApprovalCaseState, DecisionOutcome
from oms.domain.quote.lifecycle import QuoteState
from oms.domain.shared.actors import ActorKind
from oms.domain.shared.ids import ActorId


@dataclass(frozen=True)
class RecordApprovalDecision:
    case_id: str
    outcome: DecisionOutcome
    comment: str = ""
    # The deciding approver. An approver actor may leave both out: they decide as themselves,
    # for the level the case waits for. A service actor must name the approver and the role.
    approver_id: str | None = None
    role: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class EscalateApproval:
    case_id: str
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True)
class ApplyApprovalOutcome:
    case_id: str


def record_approval_decision(uow: UnitOfWork, request: RecordApprovalDecision) -> ApprovalCaseView:
    actor = uow.context.actor
    case = load_case(uow, request.case_id, request.expected_version)
    before = approval_case_state(case)
    # The domain decides in the end (can_record_decision); these checks come first only so that an
    # actor who may not decide at all hears "forbidden" rather than what their request lacks.
    if actor.kind not in (ActorKind.APPROVER, ActorKind.SERVICE):
        raise Forbidden(
            f"{actor.kind} actors may not record approval decisions",
            {"actor_id": actor.id, "actor_kind": str(actor.kind)},
        )
    if actor.kind is ActorKind.SERVICE and not request.approver_id:
        raise Forbidden(
            "a service actor records a decision only for the approver who made it",
            {"actor_id": actor.id, "actor_kind": str(actor.kind)},
        )
    approver_id = request.approver_id or actor.id
    level = case.current_level
    role = request.role or (level.role if level is not None and actor.kind is ActorKind.APPROVER else None)
    if not role:
        raise ValidationFailed("a decision names the role it is made in", {"approver_id": approver_id})
    case.record_decision(
        actor,
        approver_id=ActorId(approver_id),
        role=role,
        outcome=request.outcome,
        comment=request.comment,
        now=uow.now,
    )
    uow.approvals.save(case)
    record_case_change(uow, "recordApprovalDecision", case, before)
    uow.workflow_messages.publish(approval_decided_message(case))
    return ApprovalCaseView.of(case)


# The contract's message (docs/processes.md, quote-approval); the names are the BPMN's.
APPROVAL_DECIDED = "quote.approval.decided"
_OUTCOME_OF_STATE = {ApprovalCaseState.APPROVED: "approved", ApprovalCaseState.REJECTED: "rejected"}


def approval_decided_message(case: ApprovalCase) -> WorkflowMessage:
    """``quote.approval.decided`` for the decision just recorded: one message per decision, so the
    n-th decision of a case has the message id ``{caseId}:{n}`` (a repeated write publishes once)."""
    return WorkflowMessage(
        name=APPROVAL_DECIDED,
        correlation_key=case.id,
        message_id=f"{case.id}:{len(case.decisions)}",
        variables={"approvalOutcome": _OUTCOME_OF_STATE.get(case.state, "pending")},
    )


def escalate_approval(uow: UnitOfWork, request: EscalateApproval) -> ApprovalCaseView:
    case = load_case(uow, request.case_id, request.expected_version)
    before = approval_case_state(case)
    case.escalate(uow.context.actor, reason=request.reason, now=uow.now)
    uow.approvals.save(case)
    record_case_change(uow, "escalateApproval", case, before)
    return ApprovalCaseView.of(case)


def apply_approval_outcome(uow: UnitOfWork, request: ApplyApprovalOutcome) -> QuoteView:
    case = load_case(uow, request.case_id)
    quote = load_quote(uow, case.quote_id)
    if any(authorization.approval_case_id == case.id for authorization in quote.authorizations):
        return QuoteView.of(quote)  # applied before: a redelivered job must not fail the process
    if quote.state is not QuoteState.PENDING or quote.approval_case_id != case.id:
        # Nothing waits for this case's outcome any more: applied before (an expiry without any
        # decision leaves no authorization behind), or the quote was cancelled or expired meanwhile.
        return QuoteView.of(quote)
    before = quote_state(quote)
    quote.apply_approval_outcome(uow.context.actor, outcome=case.outcome(), now=uow.now)
    uow.quotes.save(quote)
    record_quote_change(uow, "applyApprovalOutcome", quote, before)
    return QuoteView.of(quote)
