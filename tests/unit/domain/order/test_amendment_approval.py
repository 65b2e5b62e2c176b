"""Amendments that undo work already done need an operator's approval before they are applied;
amendments that only supersede work not yet done, or add new work, do not."""

from __future__ import annotations

import pytest
from domain_builders import agent, operator
from order_builders import NOW, RULES, TV_ITEM, customer, facts, run, service, started

from oms.domain.fulfillment import TaskId
from oms.domain.order import AmendmentRequestId, AmendmentStatus, ItemState, ProductOrder, ProductOrderAmendment
from oms.domain.shared import IllegalTransition, NotAuthorized
from oms.domain.shared.actors import Actor

A1 = AmendmentRequestId("a1")
TV_RESERVE = TaskId("o1:i-tv:reserve-resource")


def _remove_tv(order: ProductOrder) -> ProductOrderAmendment:
    return ProductOrderAmendment.request(customer(), order, request_id=A1, now=NOW, remove=(TV_ITEM,))


def test_undoing_work_already_done_needs_approval() -> None:
    # given: the TV's resource is reserved
    order, plan = started()
    run(plan, TV_RESERVE)
    amendment = _remove_tv(order)
    # when
    assessment = amendment.assess(service(), order, plan, facts=facts(), rules=RULES, now=NOW)
    # then
    assert assessment.accepted and amendment.approval_required and amendment.awaiting_approval
    assert amendment.status is AmendmentStatus.ACCEPTED


def test_superseding_work_not_yet_done_needs_no_approval() -> None:
    order, plan = started()
    amendment = _remove_tv(order)
    assert amendment.assess(service(), order, plan, facts=facts(), rules=RULES, now=NOW).accepted
    assert not amendment.approval_required and not amendment.awaiting_approval


def test_an_amendment_waiting_for_approval_cannot_be_applied() -> None:
    # given
    order, plan = started()
    run(plan, TV_RESERVE)
    amendment = _remove_tv(order)
    amendment.assess(service(), order, plan, facts=facts(), rules=RULES, now=NOW)
    tasks = plan.tasks
    # when / then
    with pytest.raises(IllegalTransition):
        amendment.apply(service(), order, plan, facts=facts(), rules=RULES, now=NOW)
    assert plan.tasks == tasks and amendment.status is AmendmentStatus.ACCEPTED


def test_an_approved_amendment_is_applied() -> None:
    # given
    order, plan = started()
    run(plan, TV_RESERVE)
    amendment = _remove_tv(order)
    amendment.assess(service(), order, plan, facts=facts(), rules=RULES, now=NOW)
    # when
    amendment.decide(operator(), order, approved=True, comment="customer pays the truck roll", now=NOW)
    applied = amendment.apply(service(), order, plan, facts=facts(), rules=RULES, now=NOW)
    # then
    assert applied.accepted and amendment.status is AmendmentStatus.APPLIED
    assert amendment.approval is not None and amendment.approval.approved
    assert amendment.approval.decided_by == operator().id
    assert order.item(TV_ITEM).state is ItemState.PENDING_CANCELLATION


def test_a_declined_amendment_is_refused_and_the_order_hears_it() -> None:
    # given
    order, plan = started()
    run(plan, TV_RESERVE)
    amendment = _remove_tv(order)
    amendment.assess(service(), order, plan, facts=facts(), rules=RULES, now=NOW)
    # when
    amendment.decide(operator(), order, approved=False, comment="too late", now=NOW)
    # then
    assert amendment.status is AmendmentStatus.REFUSED and order.amendment_status is AmendmentStatus.REFUSED
    assert amendment.reasons == ("declined by operator-1: too late",)
    with pytest.raises(IllegalTransition):
        amendment.apply(service(), order, plan, facts=facts(), rules=RULES, now=NOW)


def test_an_amendment_is_decided_once() -> None:
    order, plan = started()
    run(plan, TV_RESERVE)
    amendment = _remove_tv(order)
    amendment.assess(service(), order, plan, facts=facts(), rules=RULES, now=NOW)
    amendment.decide(operator(), order, approved=True, comment="", now=NOW)
    with pytest.raises(IllegalTransition):
        amendment.decide(operator(), order, approved=False, comment="", now=NOW)


def test_an_amendment_that_needs_no_approval_cannot_be_decided() -> None:
    order, plan = started()
    amendment = _remove_tv(order)
    amendment.assess(service(), order, plan, facts=facts(), rules=RULES, now=NOW)
    with pytest.raises(IllegalTransition):
        amendment.decide(operator(), order, approved=True, comment="", now=NOW)


@pytest.mark.parametrize("actor", [service(), agent(), customer()], ids=["service", "agent", "customer"])
def test_only_an_operator_decides(actor: Actor) -> None:
    order, plan = started()
    run(plan, TV_RESERVE)
    amendment = _remove_tv(order)
    amendment.assess(service(), order, plan, facts=facts(), rules=RULES, now=NOW)
    with pytest.raises(NotAuthorized):
        amendment.decide(actor, order, approved=True, comment="", now=NOW)
    assert amendment.awaiting_approval
