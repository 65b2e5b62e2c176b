"""Expiry of an approval case: nobody decided the waiting level in time (the workflow's timer says
when), so the case closes as expired, keeps the decisions made so far, and its outcome is "not
approved"; the quote goes back in progress with them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from domain_builders import NOW, agent, approver, customer, eur, operator, quote_in, service

from oms.domain.approval import (
    SALES_MANAGER,
    ApprovalCase,
    ApprovalCaseExpired,
    ApprovalCaseState,
    ApprovalLevelAssigned,
    DealFigures,
    DecisionOutcome,
    default_policy,
)
from oms.domain.quote.events import QuoteApprovalDeclined
from oms.domain.quote.lifecycle import QuoteState
from oms.domain.shared import ActorId, ApprovalCaseId, IllegalTransition, NotAuthorized, QuoteId
from oms.domain.shared.actors import Actor


def open_case() -> ApprovalCase:
    requirement = default_policy().evaluate(DealFigures(Decimal(30), Decimal(0), eur("1000")))
    case = ApprovalCase.open(ApprovalCaseId("case-1"), QuoteId("quote-1"), requirement, default_policy(), agent(), NOW)
    case.pull_events()
    return case


def test_an_open_case_expires_with_the_level_that_was_waiting() -> None:
    # given: level 1 approved, level 2 waits
    case = open_case()
    case.record_decision(
        approver(), approver_id=approver().id, role=SALES_MANAGER, outcome=DecisionOutcome.APPROVE, comment="", now=NOW
    )
    case.pull_events()
    waiting = case.current_level
    assert waiting is not None
    # when
    case.expire(service(), now=NOW)
    # then
    assert case.state is ApprovalCaseState.EXPIRED and case.closed_at == NOW and case.current_level is None
    assert case.pull_events() == [
        ApprovalCaseExpired(case.id, case.quote_id, waiting.level, waiting.role, service().id, NOW)
    ]
    outcome = case.outcome()
    assert (outcome.approved, outcome.expired) == (False, True)
    assert [d.level for d in outcome.decisions] == [1]


@pytest.mark.parametrize("actor", [operator(), service()], ids=["operator", "service"])
def test_operators_and_services_may_expire_a_case(actor: Actor) -> None:
    case = open_case()
    case.expire(actor, now=NOW)
    assert case.state is ApprovalCaseState.EXPIRED


@pytest.mark.parametrize("actor", [agent(), customer(), approver()], ids=["agent", "customer", "approver"])
def test_nobody_else_may_expire_a_case(actor: Actor) -> None:
    case = open_case()
    with pytest.raises(NotAuthorized):
        case.expire(actor, now=NOW)
    assert case.state is ApprovalCaseState.OPEN and case.version == 0


def test_a_closed_case_cannot_expire() -> None:
    # given
    case = open_case()
    case.cancel(agent(), reason="quote cancelled", now=NOW)
    # when / then
    with pytest.raises(IllegalTransition):
        case.expire(service(), now=NOW)
    assert case.state is ApprovalCaseState.CANCELLED


def test_an_expired_case_leaves_its_quote_unapproved_and_in_progress() -> None:
    # given: a pending quote and its case, expired
    quote = quote_in(QuoteState.PENDING)
    assert quote.approval_requirement is not None and quote.approval_case_id is not None
    case = ApprovalCase.open(
        quote.approval_case_id, quote.id, quote.approval_requirement, default_policy(), service(), NOW
    )
    case.expire(service(), now=NOW)
    # when
    quote.apply_approval_outcome(service(), outcome=case.outcome(), now=NOW)
    # then
    assert quote.state is QuoteState.IN_PROGRESS
    assert quote.pull_events() == [QuoteApprovalDeclined(quote.id, case.id, NOW)]
    assert quote.authorizations == ()


def test_decisions_are_refused_once_the_case_expired() -> None:
    case = open_case()
    case.expire(service(), now=NOW)
    with pytest.raises(IllegalTransition):
        case.record_decision(
            service(),
            approver_id=ActorId("manager-1"),
            role=SALES_MANAGER,
            outcome=DecisionOutcome.APPROVE,
            comment="",
            now=NOW,
        )


def test_assigning_asks_the_waiting_level_without_changing_the_case() -> None:
    # given
    case = open_case()
    # when
    level = case.assign_waiting_level(service(), now=NOW)
    # then
    assert level is not None and level.level == 1
    assert case.version == 0
    assert case.pull_events() == [ApprovalLevelAssigned(case.id, case.quote_id, 1, SALES_MANAGER, service().id, NOW)]


def test_a_closed_case_has_nobody_to_assign() -> None:
    case = open_case()
    case.expire(service(), now=NOW)
    case.pull_events()
    assert case.assign_waiting_level(service(), now=NOW) is None
    assert case.pull_events() == []
