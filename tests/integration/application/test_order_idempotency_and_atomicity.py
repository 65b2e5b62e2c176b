"""Order commands under ``Idempotency-Key`` replay their first result and refuse a reused key with
another body; a command that fails leaves nothing behind, workflow start requests included."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from order_app_support import AGENT, CUSTOMER, OrderDriver, fiber, fiber_order, order_table_counts, tv

from oms.application.commands.cancellation import RequestCancellation, request_cancellation
from oms.application.commands.order import place_order
from oms.application.errors import IdempotencyConflict
from oms.application.idempotency import request_fingerprint, run_idempotent
from oms.application.runner import run_command
from oms.application.unit_of_work import UnitOfWork


class Boom(Exception):
    """Stands for anything failing after the command's writes, before commit."""


def test_a_replayed_order_returns_the_first_result_and_places_one_order(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    request = fiber_order()
    fingerprint = request_fingerprint("POST /productOrder", {"items": ["fiber"]})
    ctx = orders.tenant.ctx(AGENT)

    def place() -> Any:
        return run_idempotent(
            orders.tenant.factory, ctx, "key-1", fingerprint, lambda uow: place_order(uow, request).to_dict()
        )

    # when
    first = place()
    after_first = order_table_counts(admin, orders.id)
    second = place()
    # then
    assert (first.replayed, second.replayed) == (False, True)
    assert second.result == first.result
    assert order_table_counts(admin, orders.id) == after_first
    assert after_first["product_order"] == 1 and after_first["workflow_start_request"] == 1


def test_a_key_reused_with_another_order_is_refused_and_places_nothing(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    ctx = orders.tenant.ctx(AGENT)
    factory = orders.tenant.factory
    run_idempotent(
        factory,
        ctx,
        "key-2",
        request_fingerprint("POST /productOrder", {"i": 1}),
        lambda uow: place_order(uow, fiber_order(fiber())).to_dict(),
    )
    before = order_table_counts(admin, orders.id)
    # when / then
    with pytest.raises(IdempotencyConflict):
        run_idempotent(
            factory,
            ctx,
            "key-2",
            request_fingerprint("POST /productOrder", {"i": 2}),
            lambda uow: place_order(uow, fiber_order(fiber(), tv())).to_dict(),
        )
    assert order_table_counts(admin, orders.id) == before


def test_the_fulfillment_start_request_is_rolled_back_with_the_order(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    before = order_table_counts(admin, orders.id)

    def place_then_fail(uow: UnitOfWork) -> None:
        place_order(uow, fiber_order())
        raise Boom

    # when / then
    with pytest.raises(Boom):
        run_command(orders.tenant.factory, orders.tenant.ctx(AGENT), place_then_fail)
    assert order_table_counts(admin, orders.id) == before


def test_the_cancellation_start_request_is_rolled_back_with_the_request(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    order, _ = orders.running_order()
    before = order_table_counts(admin, orders.id)

    def cancel_then_fail(uow: UnitOfWork) -> None:
        request_cancellation(uow, RequestCancellation(order.id, "changed my mind"))
        raise Boom

    # when / then
    with pytest.raises(Boom):
        run_command(orders.tenant.factory, orders.tenant.ctx(CUSTOMER), cancel_then_fail)
    assert order_table_counts(admin, orders.id) == before
    assert orders.order(order.id).state == "inProgress"
