"""Each quote command checks what the actor may do."""

from __future__ import annotations

from decimal import Decimal

import pytest
from domain_builders import (
    AFTER_VALIDITY,
    CASE_ID,
    NEVER_APPROVE,
    NOW,
    agent,
    approver,
    customer,
    item,
    new_quote,
    operator,
    priced,
    quote_in,
    service,
)

from oms.domain.catalog.demo import FIBER, TV
from oms.domain.quote import QuoteState
from oms.domain.shared import NotAuthorized


def test_a_service_actor_cannot_change_quote_items() -> None:
    # given
    quote = quote_in(QuoteState.IN_PROGRESS)
    # when / then
    with pytest.raises(NotAuthorized) as raised:
        quote.change_items(service(), priced=priced(), now=NOW)
    assert raised.value.details["actor_kind"] == "service"


def test_a_customer_client_may_not_grant_itself_a_discount() -> None:
    # when / then
    with pytest.raises(NotAuthorized, match="change a price"):
        new_quote(priced(item_discounts={"i-fiber": Decimal(5)}), actor=customer())


def test_a_customer_client_may_change_items_while_keeping_the_agents_discount() -> None:
    # given an agent granted 5 % on the fiber line
    quote = new_quote(priced(item_discounts={"i-fiber": Decimal(5)}))
    family_tv = [item("i-fiber", FIBER, {"downloadSpeed": 1000}), item("i-tv", TV, {"channelPackage": "family"})]
    # when the customer changes the TV package, the discount untouched
    quote.change_items(customer(), priced=priced(family_tv, item_discounts={"i-fiber": Decimal(5)}), now=NOW)
    # then
    assert quote.items[0].manual_discount_percent == Decimal(5)
    assert quote.items[1].configuration.characteristics["channelPackage"] == "family"


def test_a_customer_client_may_not_change_the_agents_discount() -> None:
    # given
    quote = new_quote(priced(item_discounts={"i-fiber": Decimal(5)}))
    # when / then
    with pytest.raises(NotAuthorized):
        quote.change_items(customer(), priced=priced(item_discounts={"i-fiber": Decimal(15)}), now=NOW)


def test_only_the_customer_side_accepts_a_quote() -> None:
    # given
    quote = quote_in(QuoteState.APPROVED)
    # when / then
    for actor in (service(), operator(), approver()):
        with pytest.raises(NotAuthorized):
            quote.accept(actor, now=NOW)
    quote.accept(agent(), now=NOW)
    assert quote.state is QuoteState.ACCEPTED


def test_an_approver_cannot_submit_a_quote() -> None:
    # given
    quote = quote_in(QuoteState.IN_PROGRESS)
    # when / then
    with pytest.raises(NotAuthorized):
        quote.submit(approver(), policy=NEVER_APPROVE, approval_case_id=CASE_ID, now=NOW)


def test_a_customer_cannot_expire_a_quote() -> None:
    # given
    quote = quote_in(QuoteState.APPROVED)
    # when / then
    with pytest.raises(NotAuthorized):
        quote.expire(customer(), now=AFTER_VALIDITY)
