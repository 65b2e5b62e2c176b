"""The approval case: one submission of a quote waiting for its required approval levels.

Levels are decided in order. Any rejection rejects the case; the case is approved when the last
level is approved. A case nobody decided in time is closed as expired (the workflow's expiry
timer decides when; the domain never notices time passing): its outcome is "not approved", with
the decisions made so far. Escalation hands the waiting level up: to the next required level if there is
one (whose approval then covers the escalated level), else to the policy's next level, which is
added to the case. The policy's levels are copied into the case when it opens, so a policy change
never alters a running case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from oms.domain.approval.authorization import (
    can_cancel_approval_case,
    can_escalate,
    can_expire_approval_case,
    can_open_approval_case,
    can_record_decision,
    require,
)
from oms.domain.approval.errors import (
    ApprovalNotComplete,
    ApproverAlreadyDecided,
    CannotEscalate,
    NoApprovalNeeded,
    WrongApprovalLevel,
)
from oms.domain.approval.events import (
    ApprovalCaseApproved,
    ApprovalCaseCancelled,
    ApprovalCaseExpired,
    ApprovalCaseOpened,
    ApprovalCaseRejected,
    ApprovalDecisionRecorded,
    ApprovalEscalated,
    ApprovalLevelAssigned,
)
from oms.domain.approval.policy import ApprovalLevel, ApprovalPolicy, ApprovalRequirement, RequiredLevel
from oms.domain.shared.actors import Actor
from oms.domain.shared.aggregate import AggregateRoot
from oms.domain.shared.errors import IllegalTransition
from oms.domain.shared.ids import ActorId, ApprovalCaseId, QuoteId
from oms.domain.shared.time import require_utc


class ApprovalCaseState(StrEnum):
    OPEN = "open"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # nobody decided the waiting level in time


class DecisionOutcome(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


@dataclass(frozen=True)
class ApprovalDecision:
    level: int
    role: str
    approver_id: ActorId
    outcome: DecisionOutcome
    comment: str
    decided_at: datetime
    recorded_by: ActorId  # the approver, or the service that relayed the approver's decision


@dataclass(frozen=True)
class Escalation:
    from_level: int
    to_level: int
    reason: str
    escalated_by: ActorId
    escalated_at: datetime


@dataclass(frozen=True)
class ApprovalOutcome:
    """What the quote needs to know when the case is over."""

    case_id: ApprovalCaseId
    quote_id: QuoteId
    approved: bool
    decisions: tuple[ApprovalDecision, ...]
    decided_at: datetime
    expired: bool = False  # closed without a decision of every level: not approved


class ApprovalCase(AggregateRoot):
    def __init__(
        self,
        *,
        id: ApprovalCaseId,
        quote_id: QuoteId,
        levels: tuple[RequiredLevel, ...],
        ladder: tuple[ApprovalLevel, ...],
        opened_at: datetime,
        state: ApprovalCaseState = ApprovalCaseState.OPEN,
        current_index: int = 0,
        decisions: tuple[ApprovalDecision, ...] = (),
        escalations: tuple[Escalation, ...] = (),
        closed_at: datetime | None = None,
        version: int = 0,
    ) -> None:
        super().__init__(version)
        self.id = id
        self.quote_id = quote_id
        self.levels = levels
        self.ladder = ladder
        self.opened_at = opened_at
        self.state = state
        self.current_index = current_index
        self.decisions = decisions
        self.escalations = escalations
        self.closed_at = closed_at

    @classmethod
    def open(
        cls,
        case_id: ApprovalCaseId,
        quote_id: QuoteId,
        requirement: ApprovalRequirement,
        policy: ApprovalPolicy,
        actor: Actor,
        now: datetime,
    ) -> ApprovalCase:
        require(can_open_approval_case(actor), actor, "open an approval case")
        require_utc(now, "now")
        if not requirement.needed:
            raise NoApprovalNeeded(quote_id)
        case = cls(id=case_id, quote_id=quote_id, levels=requirement.levels, ladder=policy.levels, opened_at=now)
        case._raise_event(
            ApprovalCaseOpened(
                case_id, quote_id, tuple((lv.level, lv.role) for lv in requirement.levels), actor.id, now
            )
        )
        return case

    @property
    def current_level(self) -> RequiredLevel | None:
        if self.state is not ApprovalCaseState.OPEN:
            return None
        return self.levels[self.current_index]

    def _waiting_level(self, action: str) -> RequiredLevel:
        level = self.current_level
        if level is None:
            raise IllegalTransition("ApprovalCase", self.id, self.state, action)
        return level

    def record_decision(
        self,
        actor: Actor,
        *,
        approver_id: ActorId,
        role: str,
        outcome: DecisionOutcome,
        comment: str,
        now: datetime,
    ) -> None:
        level = self._waiting_level("record a decision")
        require_utc(now, "now")
        if role != level.role:
            raise WrongApprovalLevel(self.id, level.level, level.role, role)
        require(can_record_decision(actor, level.role, approver_id, role), actor, "record an approval decision")
        earlier = next((d for d in self.decisions if d.approver_id == approver_id), None)
        if earlier is not None:
            raise ApproverAlreadyDecided(self.id, approver_id, earlier.level)
        decision = ApprovalDecision(level.level, role, approver_id, outcome, comment, now, actor.id)
        self.decisions = (*self.decisions, decision)
        self._raise_event(
            ApprovalDecisionRecorded(
                self.id, self.quote_id, level.level, role, approver_id, outcome, comment, actor.id, now
            )
        )
        if outcome is DecisionOutcome.REJECT:
            self._close(ApprovalCaseState.REJECTED, now)
            self._raise_event(ApprovalCaseRejected(self.id, self.quote_id, level.level, approver_id, comment, now))
        elif self.current_index + 1 == len(self.levels):
            self._close(ApprovalCaseState.APPROVED, now)
            self._raise_event(ApprovalCaseApproved(self.id, self.quote_id, now))
        else:
            self.current_index += 1
        self._changed()

    def escalate(self, actor: Actor, *, reason: str, now: datetime) -> None:
        level = self._waiting_level("escalate")
        require_utc(now, "now")
        require(can_escalate(actor, level.role), actor, "escalate an approval")
        if self.current_index + 1 == len(self.levels):
            above = next((candidate for candidate in self.ladder if candidate.level == level.level + 1), None)
            if above is None:
                raise CannotEscalate(self.id, level.level)
            added = RequiredLevel(above.level, above.name, above.role, (f"escalated from level {level.level}",))
            self.levels = (*self.levels, added)
        self.current_index += 1
        target = self.levels[self.current_index]
        self.escalations = (*self.escalations, Escalation(level.level, target.level, reason, actor.id, now))
        self._raise_event(
            ApprovalEscalated(self.id, self.quote_id, level.level, target.level, target.role, reason, actor.id, now)
        )
        self._changed()

    def cancel(self, actor: Actor, *, reason: str, now: datetime) -> None:
        """When the quote is cancelled while waiting; nobody has to decide any more."""
        self._waiting_level("cancel")
        require_utc(now, "now")
        require(can_cancel_approval_case(actor), actor, "cancel an approval case")
        self._close(ApprovalCaseState.CANCELLED, now)
        self._raise_event(ApprovalCaseCancelled(self.id, self.quote_id, reason, actor.id, now))
        self._changed()

    def assign_waiting_level(self, actor: Actor, *, now: datetime) -> RequiredLevel | None:
        """Ask the approvers of the waiting level to decide: a notification (``ApprovalLevelAssigned``),
        not a change of the case, so it may be repeated. A closed case has nobody to ask: None."""
        level = self.current_level
        if level is None:
            return None
        require_utc(now, "now")
        require(can_escalate(actor, level.role), actor, "assign approvers")
        self._raise_event(ApprovalLevelAssigned(self.id, self.quote_id, level.level, level.role, actor.id, now))
        return level

    def expire(self, actor: Actor, *, now: datetime) -> None:
        """Nobody decided within the time the process allows: the case closes as expired, the
        levels decided so far stay as evidence, and its outcome is "not approved"."""
        level = self._waiting_level("expire")
        require_utc(now, "now")
        require(can_expire_approval_case(actor), actor, "expire an approval case")
        self._close(ApprovalCaseState.EXPIRED, now)
        self._raise_event(ApprovalCaseExpired(self.id, self.quote_id, level.level, level.role, actor.id, now))
        self._changed()

    def _close(self, state: ApprovalCaseState, now: datetime) -> None:
        self.state = state
        self.closed_at = now

    def outcome(self) -> ApprovalOutcome:
        """What the quote learns from a closed case: approved, rejected, or expired (not approved)."""
        decided = (ApprovalCaseState.APPROVED, ApprovalCaseState.REJECTED, ApprovalCaseState.EXPIRED)
        if self.state not in decided or self.closed_at is None:
            raise ApprovalNotComplete(self.id, self.state)
        return ApprovalOutcome(
            case_id=self.id,
            quote_id=self.quote_id,
            approved=self.state is ApprovalCaseState.APPROVED,
            decisions=self.decisions,
            decided_at=self.closed_at,
            expired=self.state is ApprovalCaseState.EXPIRED,
        )
