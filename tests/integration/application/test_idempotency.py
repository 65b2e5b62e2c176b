"""run_idempotent: an Idempotency-Key returns the first result again for the same request, refuses
another request, stores nothing for a failed command, and runs the command once under concurrency."""

from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest
from cpq_app_support import AGENT, TERM, WORKER, TenantDriver, fiber_and_tv, rows

from oms.application.commands.quote import CreateQuote, create_quote
from oms.application.errors import Forbidden, IdempotencyConflict
from oms.application.idempotency import IdempotentOutcome, request_fingerprint, run_idempotent
from oms.application.unit_of_work import UnitOfWork
from oms.domain.shared.actors import Actor

Json = dict[str, Any]


def _create(tenant: TenantDriver, key: str, body: Json, actor: Actor = AGENT) -> IdempotentOutcome:
    request = CreateQuote(body["customer"], fiber_and_tv(), body["term"])
    return run_idempotent(
        tenant.factory,
        tenant.ctx(actor),
        key,
        request_fingerprint("POST /quote", body),
        lambda uow: create_quote(uow, request).to_dict(),
    )


def _quote_count(admin: psycopg.Connection[Any], tenant: TenantDriver) -> int:
    return int(rows(admin, "SELECT count(*) FROM quote WHERE tenant_id = %s", tenant.id)[0][0])


def test_the_same_key_and_body_return_the_first_result_without_running_again(
    tenant: TenantDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    body = {"customer": "customer-1", "term": TERM}
    first = _create(tenant, "key-1", body)
    # when
    again = _create(tenant, "key-1", {"term": TERM, "customer": "customer-1"})
    # then
    assert (first.replayed, again.replayed) == (False, True)
    assert again.result == first.result
    assert _quote_count(admin, tenant) == 1
    assert rows(admin, "SELECT count(*) FROM idempotency_record WHERE tenant_id = %s", tenant.id) == [(1,)]


def test_the_same_key_with_another_body_is_a_conflict(tenant: TenantDriver, admin: psycopg.Connection[Any]) -> None:
    # given
    _create(tenant, "key-1", {"customer": "customer-1", "term": TERM})
    # when / then
    with pytest.raises(IdempotencyConflict) as raised:
        _create(tenant, "key-1", {"customer": "customer-2", "term": TERM})
    assert raised.value.details == {"key": "key-1"}
    assert _quote_count(admin, tenant) == 1


def test_a_failed_command_leaves_no_key_behind(tenant: TenantDriver, admin: psycopg.Connection[Any]) -> None:
    # given: the worker may not create quotes
    body = {"customer": "customer-1", "term": TERM}
    with pytest.raises(Forbidden):
        _create(tenant, "key-1", body, actor=WORKER)
    # when: the same key is used by the worker's retry... and by an agent
    outcome = _create(tenant, "key-1", body)
    # then
    assert outcome.replayed is False
    assert rows(admin, "SELECT actor_id FROM idempotency_record WHERE tenant_id = %s", tenant.id) == [("agent-1",)]


def test_keys_belong_to_the_actor_that_sent_them(tenant: TenantDriver, admin: psycopg.Connection[Any]) -> None:
    # given
    body = {"customer": "customer-1", "term": TERM}
    mine = _create(tenant, "shared-key", body)
    # when
    theirs = _create(tenant, "shared-key", body, actor=Actor(AGENT.kind, type(AGENT.id)("agent-2")))
    # then
    assert theirs.replayed is False and theirs.result["id"] != mine.result["id"]
    assert _quote_count(admin, tenant) == 2


def test_a_concurrent_request_with_the_same_key_waits_and_replays(
    tenant: TenantDriver, admin: psycopg.Connection[Any]
) -> None:
    # given: the first request holds its transaction open after creating the quote
    body = {"customer": "customer-1", "term": TERM}
    claimed, release = threading.Event(), threading.Event()
    results: dict[str, IdempotentOutcome] = {}

    def slow_create(uow: UnitOfWork) -> Json:
        result = create_quote(uow, CreateQuote("customer-1", fiber_and_tv(), TERM)).to_dict()
        claimed.set()
        assert release.wait(10)
        return result

    def first() -> None:
        results["first"] = run_idempotent(
            tenant.factory, tenant.ctx(AGENT), "key-1", request_fingerprint("POST /quote", body), slow_create
        )

    def second() -> None:
        results["second"] = _create(tenant, "key-1", body)

    a = threading.Thread(target=first)
    a.start()
    assert claimed.wait(10)
    b = threading.Thread(target=second)
    b.start()
    # when
    b.join(timeout=0.3)
    still_waiting = b.is_alive()
    release.set()
    a.join(10)
    b.join(10)
    # then
    assert still_waiting
    assert results["second"].replayed and results["second"].result == results["first"].result
    assert _quote_count(admin, tenant) == 1


def test_the_fingerprint_ignores_key_order_but_not_the_operation() -> None:
    # when
    same = request_fingerprint("POST /quote", {"a": 1, "b": [1, 2]}) == request_fingerprint(
        "POST /quote", {"b": [1, 2], "a": 1}
    )
    other = request_fingerprint("POST /quote", {"a": 1}) == request_fingerprint("POST /quote/x/submit", {"a": 1})
    # then
    assert same and not other
