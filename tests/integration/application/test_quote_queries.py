"""get_quote and list_quotes: filters by state, customer and creation time, paging, total count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cpq_app_support import AGENT, CUSTOMER, TERM, TenantDriver, fiber_and_tv

from oms.application.commands.quote import CancelQuote, CreateQuote, cancel_quote, create_quote
from oms.application.errors import NotFound, ValidationFailed
from oms.application.queries.criteria import PageRequest, QuoteFilter
from oms.application.queries.quotes import get_quote, list_quotes
from oms.domain.quote.lifecycle import QuoteState


def _create_hourly(tenant: TenantDriver, count: int, customer: str = "customer-1") -> list[str]:
    ids = []
    for _ in range(count):
        quote = tenant.run(AGENT, lambda uow: create_quote(uow, CreateQuote(customer, fiber_and_tv(), TERM)))
        ids.append(quote.id)
        tenant.clock.advance(timedelta(hours=1))
    return ids


def test_lists_quotes_newest_first_with_the_total_count(tenant: TenantDriver) -> None:
    # given
    ids = _create_hourly(tenant, 5)
    # when
    page = tenant.query(AGENT, lambda uow: list_quotes(uow, page=PageRequest(offset=1, limit=2)))
    # then
    assert [q.id for q in page.items] == [ids[3], ids[2]]
    assert (page.total, page.offset, page.limit) == (5, 1, 2)


def test_a_page_past_the_end_is_empty_but_still_counts(tenant: TenantDriver) -> None:
    # given
    _create_hourly(tenant, 2)
    # when
    page = tenant.query(AGENT, lambda uow: list_quotes(uow, page=PageRequest(offset=10, limit=5)))
    # then
    assert (page.items, page.total) == ((), 2)


def test_filters_by_state_customer_and_creation_range(tenant: TenantDriver) -> None:
    # given
    first, second, third = _create_hourly(tenant, 3)
    other_customer = _create_hourly(tenant, 1, customer="customer-2")[0]
    tenant.run(AGENT, lambda uow: cancel_quote(uow, CancelQuote(second)))
    created_second = tenant.query(AGENT, lambda uow: get_quote(uow, second)).created_at
    # when
    in_progress = tenant.query(
        AGENT, lambda uow: list_quotes(uow, QuoteFilter(states=frozenset({QuoteState.IN_PROGRESS})))
    )
    by_customer = tenant.query(AGENT, lambda uow: list_quotes(uow, QuoteFilter(customer_id="customer-2")))
    in_range = tenant.query(
        AGENT,
        lambda uow: list_quotes(
            uow, QuoteFilter(created_from=created_second, created_to=created_second + timedelta(hours=2))
        ),
    )
    # then
    assert {q.id for q in in_progress.items} == {first, third, other_customer}
    assert [q.id for q in by_customer.items] == [other_customer]
    assert [q.id for q in in_range.items] == [third, second]
    assert in_range.items[1].state == "cancelled"


def test_every_reader_of_the_tenant_may_read_a_quote(tenant: TenantDriver) -> None:
    # given
    quote = tenant.create_quote()
    # when
    read = tenant.query(CUSTOMER, lambda uow: get_quote(uow, quote.id))
    # then
    assert read == quote


def test_an_unknown_quote_is_not_found(tenant: TenantDriver) -> None:
    # when / then
    with pytest.raises(NotFound):
        tenant.query(AGENT, lambda uow: get_quote(uow, "no-such-quote"))


def test_paging_limits_are_checked() -> None:
    # when / then
    with pytest.raises(ValidationFailed):
        PageRequest(limit=0)
    with pytest.raises(ValidationFailed):
        PageRequest(offset=-1)
