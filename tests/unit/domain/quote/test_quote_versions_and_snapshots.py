"""New versions from rejected quotes; price snapshots that later catalog changes do not touch."""

from __future__ import annotations

import dataclasses

import pytest
from domain_builders import NOW, VALID_UNTIL, agent, new_quote, priced, quote_in

from oms.domain.catalog import Catalog, OfferingPrice
from oms.domain.catalog.demo import FIBER
from oms.domain.pricing import breakdown_from_dict, breakdown_to_dict, configure_and_price
from oms.domain.quote import QuoteAlreadySuperseded, QuoteCreated, QuoteState
from oms.domain.shared import Money, QuoteId


def test_a_new_version_of_a_rejected_quote_references_the_previous_one() -> None:
    # given
    rejected = quote_in(QuoteState.REJECTED)
    # when
    successor = rejected.new_version(agent(), new_quote_id=QuoteId("quote-2"), valid_until=VALID_UNTIL, now=NOW)
    # then
    assert (successor.id, successor.quote_version, successor.previous_quote_id) == ("quote-2", 2, rejected.id)
    assert successor.state is QuoteState.IN_PROGRESS
    assert successor.price == rejected.price
    assert rejected.state is QuoteState.REJECTED and rejected.superseded_by == "quote-2"
    (event,) = successor.pull_events()
    assert isinstance(event, QuoteCreated) and event.previous_quote_id == rejected.id


def test_a_rejected_quote_has_at_most_one_new_version() -> None:
    # given
    rejected = quote_in(QuoteState.REJECTED)
    rejected.new_version(agent(), new_quote_id=QuoteId("quote-2"), valid_until=VALID_UNTIL, now=NOW)
    # when / then
    with pytest.raises(QuoteAlreadySuperseded):
        rejected.new_version(agent(), new_quote_id=QuoteId("quote-3"), valid_until=VALID_UNTIL, now=NOW)


def test_a_later_catalog_price_change_does_not_alter_an_issued_quote(catalog: Catalog) -> None:
    # given a quote priced with fiber at 29.99
    quote = new_quote(priced())
    stored = breakdown_to_dict(quote.price)
    # when the catalog raises the fiber price
    fiber = catalog.offering(FIBER)
    dearer = dataclasses.replace(fiber.prices[0], amount=Money.of("39.99", "EUR"))
    prices: tuple[OfferingPrice, ...] = (dearer, *fiber.prices[1:])
    new_catalog = dataclasses.replace(
        catalog,
        version="demo-2025.2",
        offerings=tuple(dataclasses.replace(o, prices=prices) if o.id == FIBER else o for o in catalog.offerings),
    )
    repriced = configure_and_price(new_catalog, [i.configuration for i in quote.items], NOW).breakdown
    # then
    assert repriced.totals != quote.price.totals
    assert breakdown_from_dict(stored) == quote.price
    assert quote.price.catalog_version == "demo-2025.1"
