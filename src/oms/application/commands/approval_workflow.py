"""The quote-approval process's own steps (``docs/processes.md``, quote-approval), one command each:
evaluate (does the case still wait for decisions?), assign (ask the waiting level's approvers),
escalate when the SLA passed, expire when nobody decided in time. Deciding is
``record_approval_decision`` and applying the outcome ``apply_approval_outcome`` (``approval.py``).

Every command here is safe to repeat: a redelivered job answers from what is stored."""

from __future__ import annotations

from dataclasses import dataclass

from oms.application.audit import approval_case_state, record_case_change
from oms.application.commands._loading import load_case
from oms.application.errors import ValidationFailed
from oms.application.unit_of_work import UnitOfWork
from oms.domain.approval.case import ApprovalCase, ApprovalCaseState
from oms.domain.approval.errors import CannotEscalate

#: ``approvalOutcome`` of a closed case, as the process's gateways know it (contract.APPROVAL_OUTCOMES)
OUTCOME_OF_STATE = {
    ApprovalCaseState.APPROVED: "approved",
    ApprovalCaseState.REJECTED: "rejected",
    ApprovalCaseState.EXPIRED: "expired",
    # A case cancelled with its quote has nothing to apply: the process ends as for an expiry.
    ApprovalCaseState.CANCELLED: "expired",
}


@dataclass(frozen=True)
class EvaluateApproval:
    case_id: str
    quote_id: str  # what the process believes; a mismatch is corruption, not a business outcome


@dataclass(frozen=True)
class ApprovalEvaluation:
    """``approval_required``: the process waits for decisions (the case is open, or was decided
    before the process got there: the decisions' messages are buffered for it). Otherwise
    ``outcome`` is what the process applies directly."""

    case_id: str
    approval_required: bool
    outcome: str | None


@dataclass(frozen=True)
class AssignApprovers:
    case_id: str


@dataclass(frozen=True)
class Assignment:
    case_id: str
    level: int | None  # None: the case is closed, nobody to ask
    role: str | None


@dataclass(frozen=True)
class EscalateOverdueApproval:
    case_id: str
    reason: str = "approval SLA passed"


@dataclass(frozen=True)
class Escalation:
    case_id: str
    escalated: bool  # False: the top of the ladder, or the case is closed; nothing changed
    from_level: int | None
    to_level: int | None


@dataclass(frozen=True)
class ExpireApprovalCase:
    case_id: str


@dataclass(frozen=True)
class ApprovalExpiry:
    """``outcome`` is what the process applies: ``expired`` normally; ``approved`` or ``rejected``
    when a decision closed the case just before the expiry timer fired (the decision stands)."""

    case_id: str
    outcome: str
    expired_now: bool


def evaluate_approval(uow: UnitOfWork, request: EvaluateApproval) -> ApprovalEvaluation:
    """The policy was evaluated when the quote was submitted (the case exists because approval is
    required); this step reads where the case stands when the process starts."""
    case = _case_of_quote(uow, request.case_id, request.quote_id)
    if case.state in (ApprovalCaseState.OPEN, ApprovalCaseState.APPROVED, ApprovalCaseState.REJECTED):
        return ApprovalEvaluation(case.id, approval_required=True, outcome=None)
    return ApprovalEvaluation(case.id, approval_required=False, outcome=OUTCOME_OF_STATE[case.state])


def assign_approvers(uow: UnitOfWork, request: AssignApprovers) -> Assignment:
    """Ask the waiting level's approvers to decide (``ApprovalLevelAssigned`` through the outbox, for
    the notification service). A closed case has nobody to ask and nothing is written."""
    case = load_case(uow, request.case_id)
    level = case.assign_waiting_level(uow.context.actor, now=uow.now)
    if level is None:
        return Assignment(case.id, None, None)
    uow.audit.record("assignApprovers", "approvalCase", case.id, None, {"level": level.level, "role": level.role})
    return Assignment(case.id, level.level, level.role)


def escalate_overdue_approval(uow: UnitOfWork, request: EscalateOverdueApproval) -> Escalation:
    """The waiting level did not decide within its SLA: hand it up (``ApprovalCase.escalate``). At
    the top of the ladder, or on a case closed meanwhile, nothing changes (the process re-notifies
    the waiting level)."""
    case = load_case(uow, request.case_id)
    level = case.current_level
    if level is None:
        return Escalation(case.id, False, None, None)
    before = approval_case_state(case)
    try:
        case.escalate(uow.context.actor, reason=request.reason, now=uow.now)
    except CannotEscalate:
        return Escalation(case.id, False, level.level, level.level)
    uow.approvals.save(case)
    record_case_change(uow, "escalateApproval", case, before)
    target = case.current_level
    return Escalation(case.id, True, level.level, None if target is None else target.level)


def expire_approval_case(uow: UnitOfWork, request: ExpireApprovalCase) -> ApprovalExpiry:
    """Nobody decided within the time the process allows: the open case closes as expired. A case
    closed already (expired by an earlier delivery of this job, decided just before, or cancelled
    with its quote) is left as it is, and its outcome returned."""
    case = load_case(uow, request.case_id)
    if case.state is not ApprovalCaseState.OPEN:
        return ApprovalExpiry(case.id, OUTCOME_OF_STATE[case.state], expired_now=False)
    before = approval_case_state(case)
    case.expire(uow.context.actor, now=uow.now)
    uow.approvals.save(case)
    record_case_change(uow, "expireApprovalCase", case, before)
    return ApprovalExpiry(case.id, OUTCOME_OF_STATE[case.state], expired_now=True)


def _case_of_quote(uow: UnitOfWork, case_id: str, quote_id: str) -> ApprovalCase:
    case = load_case(uow, case_id)
    if case.quote_id != quote_id:
        raise ValidationFailed(
            f"approval case {case_id!r} belongs to quote {case.quote_id!r}, not {quote_id!r}",
            {"case_id": case_id, "quote_id": quote_id, "case_quote_id": case.quote_id},
            code="wrongQuote",
        )
    return case
