"""create_quote and change_quote_items: pricing against the tenant's active catalog, the price
snapshot on each quote item, and who may change what."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import psycopg
import pytest
from cpq_app_support import (
    AGENT,
    CUSTOMER,
    OPERATOR,
    TERM,
    WORKER,
    ManualClock,
    TenantDriver,
    discounts,
    fiber_and_tv,
    item,
    new_tenant_id,
    rows,
)

from oms.application.commands.catalog import ActivateCatalog, LoadCatalog, activate_catalog, load_catalog
from oms.application.commands.quote import ChangeQuoteItems, CreateQuote, change_quote_items, create_quote
from oms.application.errors import Conflict, Forbidden, NotFound, StaleVersion, ValidationFailed
from oms.application.queries.quotes import get_quote
from oms.application.unit_of_work import UnitOfWorkFactory
from oms.domain.catalog.demo import FIBER, STATIC_IP, TV, demo_catalog
from oms.domain.catalog.serialization import catalog_to_dict
from oms.domain.shared.money import Money


def test_creates_a_quote_priced_against_the_active_catalog(
    tenant: TenantDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    request = CreateQuote("customer-1", fiber_and_tv(), TERM)
    # when
    quote = tenant.run(AGENT, lambda uow: create_quote(uow, request))
    # then
    assert quote.state == "inProgress"
    assert quote.version == 0 and quote.quote_version == 1
    assert quote.recurring_monthly_total == Money.of("61.99", "EUR")
    assert quote.catalog_version == "demo-2025.1"
    assert quote.valid_until > quote.valid_from
    assert tenant.query(AGENT, lambda uow: get_quote(uow, quote.id)) == quote


def test_stores_the_price_snapshot_on_each_quote_item(tenant: TenantDriver, admin: psycopg.Connection[Any]) -> None:
    # given
    quote = tenant.create_quote()
    # when
    stored = rows(
        admin,
        "SELECT id, offering_id, price_snapshot FROM quote_item WHERE tenant_id = %s AND quote_id = %s"
        " ORDER BY position",
        tenant.id,
        quote.id,
    )
    # then
    assert [(r[0], r[1]) for r in stored] == [("i-fiber", FIBER), ("i-tv", TV)]
    fiber_snapshot = stored[0][2]
    assert fiber_snapshot["totals"]["recurringMonthly"] == {"value": "49.99", "unit": "EUR"}
    assert [line["amount"]["value"] for line in fiber_snapshot["lines"]] == ["29.99", "20.00"]


def test_refuses_an_invalid_configuration_listing_every_problem(tenant: TenantDriver) -> None:
    # given: a TV without the broadband it requires, with a speed that does not exist
    items = (item("i-tv", TV, {"channelPackage": "everything"}), item("i-ip", STATIC_IP))
    # when
    with pytest.raises(ValidationFailed) as raised:
        tenant.run(AGENT, lambda uow: create_quote(uow, CreateQuote("customer-1", items, TERM)))
    # then
    assert raised.value.code == "invalidConfiguration"
    assert len(raised.value.details["problems"]) >= 3


def test_a_service_actor_cannot_create_a_quote(tenant: TenantDriver) -> None:
    # when / then
    with pytest.raises(Forbidden):
        tenant.create_quote(actor=WORKER)


def test_a_customer_client_cannot_request_a_manual_discount(tenant: TenantDriver) -> None:
    # when / then
    with pytest.raises(Forbidden) as raised:
        tenant.create_quote(actor=CUSTOMER, item_discount="5")
    assert raised.value.code == "notAuthorized"


def test_creating_a_quote_needs_an_active_catalog(uow_factory: UnitOfWorkFactory, clock: ManualClock) -> None:
    # given: a tenant without any catalog
    bare = TenantDriver(new_tenant_id(), uow_factory, clock)
    # when / then
    with pytest.raises(NotFound):
        bare.create_quote()


def test_changes_items_and_reprices_them(tenant: TenantDriver) -> None:
    # given
    quote = tenant.create_quote()
    request = ChangeQuoteItems(quote.id, (item("i-fiber", FIBER, {"downloadSpeed": 300}),), expected_version=0)
    # when
    changed = tenant.run(AGENT, lambda uow: change_quote_items(uow, request))
    # then
    assert changed.version == 1
    assert [i.id for i in changed.items] == ["i-fiber"]
    assert changed.recurring_monthly_total == Money.of("29.99", "EUR")
    assert tenant.query(AGENT, lambda uow: get_quote(uow, quote.id)).items == changed.items


def test_changing_items_with_a_stale_version_fails(tenant: TenantDriver) -> None:
    # given: someone changed the quote after we read version 0
    quote = tenant.create_quote()
    tenant.run(AGENT, lambda uow: change_quote_items(uow, ChangeQuoteItems(quote.id, fiber_and_tv())))
    # when / then
    with pytest.raises(StaleVersion):
        tenant.run(
            AGENT, lambda uow: change_quote_items(uow, ChangeQuoteItems(quote.id, fiber_and_tv(), expected_version=0))
        )


def test_a_service_actor_cannot_change_a_price(tenant: TenantDriver) -> None:
    # given
    quote = tenant.create_quote()
    request = ChangeQuoteItems(quote.id, fiber_and_tv(), discounts("20"))
    # when / then
    with pytest.raises(Forbidden):
        tenant.run(WORKER, lambda uow: change_quote_items(uow, request))
    assert tenant.query(AGENT, lambda uow: get_quote(uow, quote.id)).version == 0


def test_a_customer_client_keeps_an_agent_discount_when_changing_items(tenant: TenantDriver) -> None:
    # given: the agent granted 5 % on the fiber line
    quote = tenant.create_quote(item_discount="5")
    items = (*fiber_and_tv(), item("i-ip", STATIC_IP))
    # when: the customer adds a static IP without restating discounts
    changed = tenant.run(CUSTOMER, lambda uow: change_quote_items(uow, ChangeQuoteItems(quote.id, items)))
    # then
    assert [i.id for i in changed.items] == ["i-fiber", "i-tv", "i-ip"]
    assert changed.items[0].price["manualDiscountPercent"] == "5"


def test_a_customer_client_cannot_change_an_agent_discount(tenant: TenantDriver) -> None:
    # given
    quote = tenant.create_quote(item_discount="5")
    # when / then
    with pytest.raises(Forbidden):
        tenant.run(
            CUSTOMER, lambda uow: change_quote_items(uow, ChangeQuoteItems(quote.id, fiber_and_tv(), discounts("8")))
        )


def test_items_cannot_change_once_submitted(tenant: TenantDriver) -> None:
    # given
    quote = tenant.submitted_quote()
    # when / then
    with pytest.raises(Conflict) as raised:
        tenant.run(AGENT, lambda uow: change_quote_items(uow, ChangeQuoteItems(quote.id, fiber_and_tv())))
    assert raised.value.code == "illegalTransition"


def test_a_quote_can_be_priced_against_a_catalog_version_kept_after_a_new_one_is_active(tenant: TenantDriver) -> None:
    # given: a second catalog version (prices raised) becomes active
    document = catalog_to_dict(demo_catalog())
    document["version"] = "demo-2025.2"
    for offering in document["productOffering"]:
        for price in offering["productOfferingPrice"]:
            price["price"]["value"] = str(Decimal(price["price"]["value"]) + 1)
    tenant.run(OPERATOR, lambda uow: load_catalog(uow, LoadCatalog(document)))
    # when
    old = tenant.run(
        AGENT, lambda uow: create_quote(uow, CreateQuote("c", fiber_and_tv(), TERM, catalog_version="demo-2025.1"))
    )
    new = tenant.create_quote()
    # then
    assert (old.catalog_version, new.catalog_version) == ("demo-2025.1", "demo-2025.2")
    assert new.recurring_monthly_total == Money.of("64.99", "EUR")
    tenant.run(OPERATOR, lambda uow: activate_catalog(uow, ActivateCatalog("demo-2025.1")))
    assert tenant.create_quote().catalog_version == "demo-2025.1"
