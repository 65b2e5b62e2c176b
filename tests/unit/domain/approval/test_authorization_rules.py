"""Who may do what: pure policy functions over Actor values."""

from __future__ import annotations

import pytest
from domain_builders import NOW, agent, approver, customer, eur, operator, service

from oms.domain.approval import (
    COMMERCIAL_DIRECTOR,
    SALES_MANAGER,
    ApprovalCase,
    DealFigures,
    DecisionOutcome,
    can_apply_approval_outcome,
    can_change_items,
    can_change_price,
    can_create_quote,
    can_expire_quote,
    can_record_decision,
    can_respond_for_customer,
    can_submit_quote,
    default_policy,
)
from oms.domain.shared import Actor, ActorId, ActorKind, ApprovalCaseId, NotAuthorized, QuoteId

CUSTOMER, AGENT, APPROVER, OPERATOR, SERVICE = customer(), agent(), approver(), operator(), service()
EVERYONE = [CUSTOMER, AGENT, APPROVER, OPERATOR, SERVICE]


@pytest.mark.parametrize(
    ("rule", "allowed"),
    [
        (can_create_quote, {CUSTOMER, AGENT, OPERATOR}),
        (can_change_items, {CUSTOMER, AGENT, OPERATOR}),
        (can_change_price, {AGENT, OPERATOR}),
        (can_submit_quote, {CUSTOMER, AGENT, OPERATOR}),
        (can_respond_for_customer, {CUSTOMER, AGENT}),
        (can_expire_quote, {OPERATOR, SERVICE}),
        (can_apply_approval_outcome, {APPROVER, OPERATOR, SERVICE}),
    ],
)
def test_actor_kinds_allowed_per_action(rule: object, allowed: set[Actor]) -> None:
    # when
    verdicts = {actor: bool(rule(actor)) for actor in EVERYONE}  # type: ignore[operator]
    # then
    assert {actor for actor, ok in verdicts.items() if ok} == allowed


def test_a_service_actor_may_never_change_a_price() -> None:
    # when
    permission = can_change_price(SERVICE)
    # then
    assert not permission
    assert permission.reason == "service actors may not change a price"


def test_an_approver_records_only_their_own_decision_for_a_role_they_hold() -> None:
    # when / then
    assert can_record_decision(APPROVER, SALES_MANAGER, APPROVER.id, SALES_MANAGER)
    assert not can_record_decision(APPROVER, SALES_MANAGER, ActorId("someone-else"), SALES_MANAGER)
    assert not can_record_decision(APPROVER, COMMERCIAL_DIRECTOR, APPROVER.id, COMMERCIAL_DIRECTOR)


def test_a_service_may_record_a_decision_only_with_an_approvers_identity_and_role() -> None:
    # when / then
    assert can_record_decision(SERVICE, SALES_MANAGER, ActorId("manager-7"), SALES_MANAGER)
    assert not can_record_decision(SERVICE, SALES_MANAGER, ActorId(""), SALES_MANAGER)
    assert not can_record_decision(SERVICE, SALES_MANAGER, ActorId("manager-7"), "")
    assert not can_record_decision(SERVICE, SALES_MANAGER, SERVICE.id, SALES_MANAGER)


@pytest.mark.parametrize("actor", [CUSTOMER, AGENT, OPERATOR])
def test_nobody_but_approvers_and_services_records_decisions(actor: Actor) -> None:
    # when / then
    assert not can_record_decision(actor, SALES_MANAGER, actor.id, SALES_MANAGER)


def test_an_approval_case_refuses_a_decision_relayed_without_the_approver() -> None:
    # given
    requirement = default_policy().evaluate(DealFigures(eur("1").amount * 12, eur("0").amount, eur("10")))
    case = ApprovalCase.open(ApprovalCaseId("c"), QuoteId("q"), requirement, default_policy(), SERVICE, NOW)
    # when / then
    with pytest.raises(NotAuthorized) as raised:
        case.record_decision(
            SERVICE, approver_id=ActorId(""), role=SALES_MANAGER, outcome=DecisionOutcome.APPROVE, comment="", now=NOW
        )
    assert raised.value.details["actor_kind"] == "service"


def test_an_approver_without_the_levels_role_cannot_decide() -> None:
    # given
    requirement = default_policy().evaluate(DealFigures(eur("1").amount * 12, eur("0").amount, eur("10")))
    case = ApprovalCase.open(ApprovalCaseId("c"), QuoteId("q"), requirement, default_policy(), SERVICE, NOW)
    outsider = Actor(ActorKind.APPROVER, ActorId("x"), frozenset({"finance"}))
    # when / then
    with pytest.raises(NotAuthorized):
        case.record_decision(
            outsider, approver_id=outsider.id, role=SALES_MANAGER, outcome=DecisionOutcome.APPROVE, comment="", now=NOW
        )
