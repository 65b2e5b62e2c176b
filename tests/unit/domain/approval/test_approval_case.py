"""The approval case: decisions in level order, completion rules, escalation, cancellation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from domain_builders import NOW, agent, approver, director, eur, operator, service

from oms.domain.approval import (
    COMMERCIAL_DIRECTOR,
    SALES_MANAGER,
    ApprovalCase,
    ApprovalCaseApproved,
    ApprovalCaseCancelled,
    ApprovalCaseOpened,
    ApprovalCaseRejected,
    ApprovalCaseState,
    ApprovalDecisionRecorded,
    ApprovalEscalated,
    ApprovalNotComplete,
    ApproverAlreadyDecided,
    CannotEscalate,
    DealFigures,
    DecisionOutcome,
    NoApprovalNeeded,
    WrongApprovalLevel,
    default_policy,
)
from oms.domain.shared import Actor, ActorId, ActorKind, ApprovalCaseId, IllegalTransition, NotAuthorized, QuoteId

APPROVE, REJECT = DecisionOutcome.APPROVE, DecisionOutcome.REJECT


def open_case(discount: str = "30") -> ApprovalCase:
    requirement = default_policy().evaluate(DealFigures(Decimal(discount), Decimal(0), eur("1000")))
    case = ApprovalCase.open(ApprovalCaseId("case-1"), QuoteId("quote-1"), requirement, default_policy(), agent(), NOW)
    case.pull_events()
    return case


def decide(case: ApprovalCase, actor: Actor, role: str, outcome: DecisionOutcome = APPROVE, comment: str = "") -> None:
    case.record_decision(actor, approver_id=actor.id, role=role, outcome=outcome, comment=comment, now=NOW)


def test_opening_a_case_records_the_levels_to_decide() -> None:
    # given
    requirement = default_policy().evaluate(DealFigures(Decimal(30), Decimal(0), eur("1000")))
    # when
    case = ApprovalCase.open(ApprovalCaseId("c"), QuoteId("q"), requirement, default_policy(), agent(), NOW)
    # then
    assert case.state is ApprovalCaseState.OPEN and case.version == 0
    levels = ((1, SALES_MANAGER), (2, COMMERCIAL_DIRECTOR))
    assert case.pull_events() == [ApprovalCaseOpened(ApprovalCaseId("c"), QuoteId("q"), levels, agent().id, NOW)]


def test_no_case_opens_when_no_approval_is_needed() -> None:
    # given
    requirement = default_policy().evaluate(DealFigures(Decimal(0), Decimal(0), eur("10")))
    # when / then
    with pytest.raises(NoApprovalNeeded):
        ApprovalCase.open(ApprovalCaseId("c"), QuoteId("q"), requirement, default_policy(), agent(), NOW)


def test_all_required_levels_approved_approves_the_case() -> None:
    # given
    case = open_case()
    # when
    decide(case, approver(), SALES_MANAGER, comment="fine")
    decide(case, director(), COMMERCIAL_DIRECTOR, comment="ok")
    # then
    assert case.state is ApprovalCaseState.APPROVED
    assert [type(e) for e in case.pull_events()] == [
        ApprovalDecisionRecorded,
        ApprovalDecisionRecorded,
        ApprovalCaseApproved,
    ]
    outcome = case.outcome()
    assert outcome.approved
    assert [(d.level, d.approver_id, d.comment, d.decided_at) for d in outcome.decisions] == [
        (1, "manager-1", "fine", NOW),
        (2, "director-1", "ok", NOW),
    ]


def test_approving_the_first_of_two_levels_keeps_the_case_open_at_the_second() -> None:
    # given
    case = open_case()
    # when
    decide(case, approver(), SALES_MANAGER)
    # then
    assert case.state is ApprovalCaseState.OPEN
    assert case.current_level is not None and case.current_level.role == COMMERCIAL_DIRECTOR
    with pytest.raises(ApprovalNotComplete):
        case.outcome()


def test_any_rejection_rejects_the_case() -> None:
    # given
    case = open_case()
    # when
    decide(case, approver(), SALES_MANAGER, REJECT, "too much")
    # then
    assert case.state is ApprovalCaseState.REJECTED
    assert isinstance(case.pull_events()[-1], ApprovalCaseRejected)
    assert not case.outcome().approved


def test_a_rejection_at_the_second_level_rejects_the_case_after_a_first_approval() -> None:
    # given
    case = open_case()
    decide(case, approver(), SALES_MANAGER)
    # when
    decide(case, director(), COMMERCIAL_DIRECTOR, REJECT)
    # then
    assert case.state is ApprovalCaseState.REJECTED


def test_a_decision_for_a_level_that_is_not_waiting_is_refused() -> None:
    # given a case waiting for the sales manager
    case = open_case()
    # when / then
    with pytest.raises(WrongApprovalLevel):
        decide(case, director(), COMMERCIAL_DIRECTOR)


def test_one_approver_cannot_decide_two_levels() -> None:
    # given someone holding both roles approved level 1
    both = Actor(ActorKind.APPROVER, ActorId("boss"), frozenset({SALES_MANAGER, COMMERCIAL_DIRECTOR}))
    case = open_case()
    decide(case, both, SALES_MANAGER)
    # when / then
    with pytest.raises(ApproverAlreadyDecided):
        decide(case, both, COMMERCIAL_DIRECTOR)


def test_a_closed_case_takes_no_more_decisions() -> None:
    # given
    case = open_case("12")
    decide(case, approver(), SALES_MANAGER)
    # when / then
    with pytest.raises(IllegalTransition, match="state 'approved'"):
        decide(case, approver("manager-2"), SALES_MANAGER)


def test_escalation_moves_to_the_next_required_level_which_then_decides_alone() -> None:
    # given a case needing both levels
    case = open_case()
    # when the sales manager escalates and the director approves
    case.escalate(approver(), reason="on holiday", now=NOW)
    decide(case, director(), COMMERCIAL_DIRECTOR)
    # then
    assert case.state is ApprovalCaseState.APPROVED
    assert [(e.from_level, e.to_level, e.reason) for e in case.escalations] == [(1, 2, "on holiday")]


def test_escalation_beyond_the_required_levels_adds_the_policys_next_level() -> None:
    # given a case needing only the sales manager
    case = open_case("12")
    # when
    case.escalate(service(), reason="timer", now=NOW)
    # then
    assert [level.level for level in case.levels] == [1, 2]
    assert case.current_level is not None and case.current_level.reasons == ("escalated from level 1",)
    assert isinstance(case.pull_events()[-1], ApprovalEscalated)


def test_the_highest_level_cannot_be_escalated() -> None:
    # given
    case = open_case()
    case.escalate(operator(), reason="", now=NOW)
    # when / then
    with pytest.raises(CannotEscalate):
        case.escalate(operator(), reason="", now=NOW)


@pytest.mark.parametrize("who", [director(), agent(), Actor(ActorKind.CUSTOMER_CLIENT, ActorId("c"))])
def test_only_the_waiting_levels_approver_an_operator_or_a_service_may_escalate(who: Actor) -> None:
    # given a case waiting for the sales manager
    case = open_case()
    # when / then
    with pytest.raises(NotAuthorized):
        case.escalate(who, reason="", now=NOW)


def test_cancelling_an_open_case_closes_it() -> None:
    # given
    case = open_case()
    # when
    case.cancel(agent(), reason="quote cancelled", now=NOW)
    # then
    assert case.state is ApprovalCaseState.CANCELLED
    assert isinstance(case.pull_events()[-1], ApprovalCaseCancelled)


def test_each_command_increments_the_version_once() -> None:
    # given
    case = open_case()
    # when
    case.escalate(operator(), reason="", now=NOW)
    decide(case, director(), COMMERCIAL_DIRECTOR)
    # then
    assert case.version == 2
