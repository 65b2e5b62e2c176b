"""Every (state, command) pair of the quote: allowed -> the new state, otherwise IllegalTransition
naming the state, with the quote left untouched. The same table is in docs/domain-cpq.md."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from domain_builders import (
    AFTER_VALIDITY,
    ALWAYS_APPROVE,
    CASE_ID,
    NEVER_APPROVE,
    NOW,
    VALID_UNTIL,
    agent,
    customer,
    priced,
    quote_in,
    service,
)

from oms.domain.approval import SALES_MANAGER, ApprovalDecision, ApprovalOutcome, ApprovalPolicy, DecisionOutcome
from oms.domain.quote import EDGES, Quote, QuoteState
from oms.domain.shared import ActorId, IllegalTransition, QuoteId

S = QuoteState


def _outcome(quote: Quote, approved: bool) -> ApprovalOutcome:
    verdict = DecisionOutcome.APPROVE if approved else DecisionOutcome.REJECT
    decision = ApprovalDecision(1, SALES_MANAGER, ActorId("manager-1"), verdict, "", NOW, service().id)
    return ApprovalOutcome(quote.approval_case_id or CASE_ID, quote.id, approved, (decision,), NOW)


def _submit(quote: Quote, policy: ApprovalPolicy) -> None:
    quote.submit(agent(), policy=policy, approval_case_id=CASE_ID, now=NOW)


def _new_version(quote: Quote) -> Quote:
    return quote.new_version(agent(), new_quote_id=QuoteId("quote-2"), valid_until=VALID_UNTIL, now=NOW)


# Each command returns the quote whose state the table predicts (a new version returns the new quote).
COMMANDS: dict[str, Callable[[Quote], Quote | None]] = {
    "change items": lambda q: q.change_items(agent(), priced=priced(), now=NOW),
    "submit, no approval needed": lambda q: _submit(q, NEVER_APPROVE),
    "submit, approval needed": lambda q: _submit(q, ALWAYS_APPROVE),
    "approval granted": lambda q: q.apply_approval_outcome(service(), outcome=_outcome(q, True), now=NOW),
    "approval declined": lambda q: q.apply_approval_outcome(service(), outcome=_outcome(q, False), now=NOW),
    "accept": lambda q: q.accept(customer(), now=NOW),
    "reject": lambda q: q.reject(customer(), now=NOW),
    "cancel": lambda q: q.cancel(agent(), now=NOW),
    "expire": lambda q: q.expire(service(), now=AFTER_VALIDITY),
    "new version": _new_version,
}

ALLOWED: dict[tuple[QuoteState, str], QuoteState] = {
    (S.IN_PROGRESS, "change items"): S.IN_PROGRESS,
    (S.IN_PROGRESS, "submit, no approval needed"): S.APPROVED,
    (S.IN_PROGRESS, "submit, approval needed"): S.PENDING,
    (S.IN_PROGRESS, "cancel"): S.CANCELLED,
    (S.IN_PROGRESS, "expire"): S.EXPIRED,
    (S.PENDING, "approval granted"): S.APPROVED,
    (S.PENDING, "approval declined"): S.IN_PROGRESS,
    (S.PENDING, "cancel"): S.CANCELLED,
    (S.PENDING, "expire"): S.EXPIRED,
    (S.APPROVED, "accept"): S.ACCEPTED,
    (S.APPROVED, "reject"): S.REJECTED,
    (S.APPROVED, "expire"): S.EXPIRED,
    (S.REJECTED, "new version"): S.IN_PROGRESS,  # the new quote, version 2; the rejected one stays rejected
}

PAIRS = [(state, command) for state in QuoteState for command in COMMANDS]


@pytest.mark.parametrize(("state", "command"), PAIRS, ids=[f"{s}-{c}" for s, c in PAIRS])
def test_every_state_and_command_pair(state: QuoteState, command: str) -> None:
    # given
    quote = quote_in(state)
    version_before = quote.version
    # when / then
    if (state, command) in ALLOWED:
        result = COMMANDS[command](quote) or quote
        assert result.state is ALLOWED[(state, command)]
        assert result.pull_events(), "an allowed command raises at least one event"
    else:
        with pytest.raises(IllegalTransition) as raised:
            COMMANDS[command](quote)
        assert raised.value.from_state == state
        assert f"in state '{state}'" in raised.value.message
        assert (quote.state, quote.version, quote.pull_events()) == (state, version_before, [])


def test_the_edges_are_those_of_the_tmf648_picture_plus_expiry() -> None:
    # then
    picture = {
        (S.IN_PROGRESS, S.PENDING),
        (S.PENDING, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.APPROVED),
        (S.IN_PROGRESS, S.CANCELLED),
        (S.PENDING, S.CANCELLED),
        (S.APPROVED, S.ACCEPTED),
        (S.APPROVED, S.REJECTED),
    }
    extension = {(S.IN_PROGRESS, S.EXPIRED), (S.PENDING, S.EXPIRED), (S.APPROVED, S.EXPIRED)}
    assert picture | extension == EDGES
    assert (S.PENDING, S.APPROVED) not in EDGES and (S.APPROVED, S.CANCELLED) not in EDGES


@pytest.mark.parametrize("state", [S.ACCEPTED, S.REJECTED, S.CANCELLED, S.EXPIRED])
def test_final_states_have_no_outgoing_edge(state: QuoteState) -> None:
    # then
    assert state.is_final and not any(source is state for source, _ in EDGES)
