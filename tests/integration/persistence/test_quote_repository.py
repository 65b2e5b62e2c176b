"""The quote repository: a round trip keeps every field, the price snapshot is checked when read
back, saving is optimistic, and item rows are rewritten only when the items changed."""

from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest
from persistence_support import AGENT, NOW, ctx, new_quote, pending_quote_with_case

from oms.application.errors import Conflict, StaleVersion
from oms.application.views import QuoteView
from oms.domain.pricing.errors import InvalidPriceSnapshot
from oms.persistence.unit_of_work import PostgresUnitOfWorkFactory


def test_a_saved_quote_reads_back_the_same(uow_factory: PostgresUnitOfWorkFactory, tenant_a: str) -> None:
    # given: a pending quote with an approval requirement and a discount
    quote, case = pending_quote_with_case()
    with uow_factory(ctx(tenant_a)) as uow:
        uow.quotes.add(quote)
        uow.approvals.add(case)
        uow.commit()
    # when
    with uow_factory(ctx(tenant_a)) as uow:
        loaded = uow.quotes.get(quote.id)
    # then
    assert loaded is not None
    assert QuoteView.of(loaded) == QuoteView.of(quote)
    assert loaded.approval_requirement == quote.approval_requirement
    assert loaded.price == quote.price


def test_a_price_snapshot_whose_totals_were_tampered_with_is_refused(
    uow_factory: PostgresUnitOfWorkFactory, admin: psycopg.Connection[Any], tenant_a: str
) -> None:
    # given
    quote = new_quote()
    with uow_factory(ctx(tenant_a)) as uow:
        uow.quotes.add(quote)
        uow.commit()
    admin.execute(
        "UPDATE quote_item"
        " SET price_snapshot = jsonb_set(price_snapshot, '{totals,recurringMonthly,value}', '\"1.00\"')"
        " WHERE tenant_id = %s AND quote_id = %s AND id = 'i-fiber'",
        (tenant_a, quote.id),
    )
    # when / then
    with uow_factory(ctx(tenant_a)) as uow, pytest.raises(InvalidPriceSnapshot):
        uow.quotes.get(quote.id)


def test_the_second_of_two_concurrent_saves_fails_on_its_version(
    uow_factory: PostgresUnitOfWorkFactory, tenant_a: str
) -> None:
    # given: two transactions loaded version 0
    quote = new_quote()
    with uow_factory(ctx(tenant_a)) as uow:
        uow.quotes.add(quote)
        uow.commit()
    first, second = uow_factory(ctx(tenant_a)), uow_factory(ctx(tenant_a))
    with first, second:
        mine, theirs = first.quotes.get(quote.id), second.quotes.get(quote.id)
        assert mine is not None and theirs is not None
        mine.cancel(AGENT, now=NOW, reason="mine")
        theirs.cancel(AGENT, now=NOW, reason="theirs")
        first.quotes.save(mine)
        first.commit()
        # when / then
        with pytest.raises(StaleVersion):
            second.quotes.save(theirs)


def test_a_save_waits_for_a_concurrent_writer_and_then_fails(
    uow_factory: PostgresUnitOfWorkFactory, tenant_a: str
) -> None:
    # given: the first writer has updated the row but not committed yet
    quote = new_quote()
    with uow_factory(ctx(tenant_a)) as uow:
        uow.quotes.add(quote)
        uow.commit()
    outcome: list[BaseException | None] = []
    first = uow_factory(ctx(tenant_a))
    with first:
        mine = first.quotes.get(quote.id)
        assert mine is not None
        mine.cancel(AGENT, now=NOW)
        first.quotes.save(mine)

        def second_writer() -> None:
            with uow_factory(ctx(tenant_a)) as second:
                theirs = second.quotes.get(quote.id)  # reads the committed version 0
                assert theirs is not None
                theirs.cancel(AGENT, now=NOW)
                try:
                    second.quotes.save(theirs)  # blocks on the row lock until the first commits
                    outcome.append(None)
                except StaleVersion as error:
                    outcome.append(error)

        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join(timeout=0.3)
        assert thread.is_alive()
        # when
        first.commit()
    thread.join(10)
    # then
    assert len(outcome) == 1 and isinstance(outcome[0], StaleVersion)


def test_a_state_change_leaves_the_item_rows_alone(
    uow_factory: PostgresUnitOfWorkFactory, admin: psycopg.Connection[Any], tenant_a: str
) -> None:
    # given
    quote = new_quote()
    with uow_factory(ctx(tenant_a)) as uow:
        uow.quotes.add(quote)
        uow.commit()
    written = admin.execute("SELECT xmin::text FROM quote_item WHERE tenant_id = %s", (tenant_a,)).fetchall()
    # when
    with uow_factory(ctx(tenant_a)) as uow:
        loaded = uow.quotes.get(quote.id)
        assert loaded is not None
        loaded.cancel(AGENT, now=NOW)
        uow.quotes.save(loaded)
        uow.commit()
    # then
    assert admin.execute("SELECT xmin::text FROM quote_item WHERE tenant_id = %s", (tenant_a,)).fetchall() == written


def test_a_quote_id_is_unique_per_tenant_only(
    uow_factory: PostgresUnitOfWorkFactory, tenant_a: str, tenant_b: str
) -> None:
    # given
    with uow_factory(ctx(tenant_a)) as uow:
        uow.quotes.add(new_quote(quote_id="q-same"))
        uow.commit()
    # when: the same id in another tenant is another quote
    with uow_factory(ctx(tenant_b)) as uow:
        uow.quotes.add(new_quote(quote_id="q-same"))
        uow.commit()
    # then: but twice in one tenant is a conflict
    with uow_factory(ctx(tenant_a)) as uow, pytest.raises(Conflict):
        uow.quotes.add(new_quote(quote_id="q-same"))


def test_saving_a_quote_not_loaded_in_this_unit_of_work_is_a_programming_error(
    uow_factory: PostgresUnitOfWorkFactory, tenant_a: str
) -> None:
    # when / then
    with uow_factory(ctx(tenant_a)) as uow, pytest.raises(RuntimeError, match="not loaded"):
        uow.quotes.save(new_quote())
