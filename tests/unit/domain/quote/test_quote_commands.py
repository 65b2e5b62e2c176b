"""Quote commands: what each one records and which events it raises."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from domain_builders import (
    AFTER_VALIDITY,
    ALWAYS_APPROVE,
    CASE_ID,
    NEVER_APPROVE,
    NOW,
    VALID_UNTIL,
    agent,
    approval_case_for,
    customer,
    decide_all,
    item,
    new_quote,
    priced,
    quote_in,
    service,
)

from oms.domain.approval import (
    COMMERCIAL_DIRECTOR,
    SALES_MANAGER,
    ApprovalDecision,
    ApprovalOutcome,
    DecisionOutcome,
    default_policy,
)
from oms.domain.catalog.demo import FIBER, STATIC_IP
from oms.domain.pricing import PricedConfiguration
from oms.domain.quote import (
    AuthorizationState,
    EmptyQuote,
    InsufficientApproval,
    InvalidQuoteValidity,
    PriceDoesNotMatchItems,
    QuoteApprovalDeclined,
    QuoteApprovalRequested,
    QuoteApproved,
    QuoteCancelled,
    QuoteCreated,
    QuoteExpired,
    QuoteItemsChanged,
    QuoteState,
    QuoteStillValid,
    QuoteSubmitted,
    QuoteValidityEnded,
    StaleApprovalOutcome,
)
from oms.domain.shared import ActorId, ApprovalCaseId


def test_creating_a_quote_puts_it_in_progress_with_its_price_snapshot() -> None:
    # given
    configuration = priced()
    # when
    quote = new_quote(configuration)
    # then
    assert quote.state is QuoteState.IN_PROGRESS
    assert (quote.quote_version, quote.version) == (1, 0)
    assert [i.id for i in quote.items] == ["i-fiber", "i-tv"]
    assert quote.items[0].price == configuration.breakdown.items[0]
    (event,) = quote.pull_events()
    assert isinstance(event, QuoteCreated)
    assert (event.recurring_monthly_total, event.valid_until) == (quote.price.totals.recurring_monthly, VALID_UNTIL)


def test_a_quote_needs_at_least_one_item() -> None:
    # given
    empty = PricedConfiguration((), priced([]).breakdown)
    # when / then
    with pytest.raises(EmptyQuote):
        new_quote(empty)


def test_a_quote_must_be_valid_for_some_time_after_creation() -> None:
    # when / then
    with pytest.raises(InvalidQuoteValidity):
        new_quote(valid_until=NOW)


def test_a_price_made_for_other_items_is_refused() -> None:
    # given
    mismatched = PricedConfiguration((item("i-other", FIBER),), priced().breakdown)
    # when / then
    with pytest.raises(PriceDoesNotMatchItems):
        new_quote(mismatched)


def test_changing_items_replaces_items_and_price_and_increments_the_version() -> None:
    # given
    quote = quote_in(QuoteState.IN_PROGRESS)
    configuration = priced([item("i-fiber", FIBER), item("i-ip", STATIC_IP)])
    # when
    quote.change_items(agent(), priced=configuration, now=NOW)
    # then
    assert [i.id for i in quote.items] == ["i-fiber", "i-ip"]
    assert quote.price == configuration.breakdown and quote.version == 1
    (event,) = quote.pull_events()
    assert isinstance(event, QuoteItemsChanged) and event.item_ids == ("i-fiber", "i-ip")


def test_submitting_without_need_for_approval_approves_directly() -> None:
    # given
    quote = quote_in(QuoteState.IN_PROGRESS)
    # when
    requirement = quote.submit(agent(), policy=default_policy(), approval_case_id=CASE_ID, now=NOW)
    # then
    assert not requirement.needed and quote.state is QuoteState.APPROVED
    assert [type(e) for e in quote.pull_events()] == [QuoteSubmitted, QuoteApproved]
    assert quote.approval_case_id is None


def test_submitting_a_30_percent_discount_waits_for_two_approval_levels() -> None:
    # given
    quote = new_quote(priced(item_discounts={"i-fiber": Decimal(30)}))
    quote.pull_events()
    # when
    quote.submit(agent(), policy=default_policy(), approval_case_id=CASE_ID, now=NOW)
    # then
    assert quote.state is QuoteState.PENDING and quote.approval_case_id == CASE_ID
    submitted, requested = quote.pull_events()
    assert isinstance(submitted, QuoteSubmitted) and submitted.approval_required
    assert isinstance(requested, QuoteApprovalRequested)
    assert requested.levels == ((1, SALES_MANAGER), (2, COMMERCIAL_DIRECTOR))


def test_an_approved_case_approves_the_pending_quote_and_keeps_the_authorizations() -> None:
    # given
    quote = quote_in(QuoteState.PENDING)
    case = decide_all(approval_case_for(quote))
    # when
    quote.apply_approval_outcome(service(), outcome=case.outcome(), now=NOW)
    # then
    assert quote.state is QuoteState.APPROVED
    assert [(a.level, a.state, a.approver_id) for a in quote.authorizations] == [
        (1, AuthorizationState.APPROVED, "approver-1")
    ]
    assert quote.pull_events() == [QuoteApproved(quote.id, CASE_ID, NOW)]


def test_a_declined_approval_takes_the_quote_back_in_progress_not_to_rejected() -> None:
    # given
    quote = quote_in(QuoteState.PENDING)
    case = decide_all(approval_case_for(quote), DecisionOutcome.REJECT)
    # when
    quote.apply_approval_outcome(service(), outcome=case.outcome(), now=NOW)
    # then
    assert quote.state is QuoteState.IN_PROGRESS
    assert quote.authorizations[0].state is AuthorizationState.DECLINED
    assert quote.pull_events() == [QuoteApprovalDeclined(quote.id, CASE_ID, NOW)]


def test_a_declined_quote_can_be_reworked_and_submitted_again() -> None:
    # given
    quote = quote_in(QuoteState.PENDING)
    quote.apply_approval_outcome(
        service(), outcome=decide_all(approval_case_for(quote), DecisionOutcome.REJECT).outcome(), now=NOW
    )
    # when
    quote.change_items(agent(), priced=priced(), now=NOW)
    quote.submit(agent(), policy=NEVER_APPROVE, approval_case_id=ApprovalCaseId("case-2"), now=NOW)
    # then
    assert quote.state is QuoteState.APPROVED


def test_an_outcome_of_another_approval_case_is_refused() -> None:
    # given a quote waiting for case-1
    quote = quote_in(QuoteState.PENDING)
    decision = ApprovalDecision(1, SALES_MANAGER, ActorId("m"), DecisionOutcome.APPROVE, "", NOW, ActorId("m"))
    stale = ApprovalOutcome(ApprovalCaseId("case-0"), quote.id, True, (decision,), NOW)
    # when / then
    with pytest.raises(StaleApprovalOutcome):
        quote.apply_approval_outcome(service(), outcome=stale, now=NOW)
    assert quote.state is QuoteState.PENDING


def test_an_approval_that_does_not_reach_the_required_level_is_refused() -> None:
    # given a quote needing two levels and an outcome approved at level 1 only
    quote = new_quote(priced(item_discounts={"i-fiber": Decimal(30)}))
    quote.submit(agent(), policy=default_policy(), approval_case_id=CASE_ID, now=NOW)
    decision = ApprovalDecision(1, SALES_MANAGER, ActorId("m"), DecisionOutcome.APPROVE, "", NOW, ActorId("m"))
    short = ApprovalOutcome(CASE_ID, quote.id, True, (decision,), NOW)
    # when / then
    with pytest.raises(InsufficientApproval):
        quote.apply_approval_outcome(service(), outcome=short, now=NOW)


def test_accept_is_refused_after_validity_ends() -> None:
    # given
    quote = quote_in(QuoteState.APPROVED)
    # when / then
    with pytest.raises(QuoteValidityEnded) as raised:
        quote.accept(customer(), now=VALID_UNTIL)
    assert raised.value.details["action"] == "accept"
    assert quote.state is QuoteState.APPROVED


def test_accept_on_the_last_valid_moment_succeeds() -> None:
    # given
    quote = quote_in(QuoteState.APPROVED)
    # when
    quote.accept(customer(), now=VALID_UNTIL - timedelta(microseconds=1))
    # then
    assert quote.state is QuoteState.ACCEPTED and quote.completed_at is not None


def test_submit_is_refused_after_validity_ends() -> None:
    # given
    quote = quote_in(QuoteState.IN_PROGRESS)
    # when / then
    with pytest.raises(QuoteValidityEnded):
        quote.submit(agent(), policy=ALWAYS_APPROVE, approval_case_id=CASE_ID, now=AFTER_VALIDITY)


def test_a_quote_cannot_expire_before_its_validity_ends() -> None:
    # given
    quote = quote_in(QuoteState.APPROVED)
    # when / then
    with pytest.raises(QuoteStillValid):
        quote.expire(service(), now=VALID_UNTIL - timedelta(seconds=1))


def test_expiring_a_pending_quote_names_the_approval_case_to_close() -> None:
    # given
    quote = quote_in(QuoteState.PENDING)
    # when
    quote.expire(service(), now=VALID_UNTIL)
    # then
    assert quote.pull_events() == [QuoteExpired(quote.id, QuoteState.PENDING, CASE_ID, VALID_UNTIL, VALID_UNTIL)]


def test_cancelling_a_pending_quote_names_the_approval_case_to_cancel() -> None:
    # given
    quote = quote_in(QuoteState.PENDING)
    # when
    quote.cancel(agent(), now=NOW, reason="customer changed mind")
    # then
    (event,) = quote.pull_events()
    assert isinstance(event, QuoteCancelled)
    assert (event.previous_state, event.approval_case_id, event.reason) == (
        QuoteState.PENDING,
        CASE_ID,
        "customer changed mind",
    )
