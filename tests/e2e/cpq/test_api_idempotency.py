"""``Idempotency-Key`` on POST: the same key and body return the first result (and write once); the
same key with another body is a 422."""

from __future__ import annotations

from typing import Any

import psycopg
from api_support import QUOTES, ApiDriver, quote_body


def _quote_rows(admin: psycopg.Connection[Any], tenant: str) -> int:
    row = admin.execute("SELECT count(*) FROM quote WHERE tenant_id = %s", (tenant,)).fetchone()
    assert row is not None
    return int(row[0])


def test_the_same_key_and_body_return_the_first_response_and_create_one_quote(
    api: ApiDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    first = api.post(QUOTES, quote_body(), **{"Idempotency-Key": "create-1"})
    # when: the same body with keys in another order
    reordered = dict(reversed(list(quote_body().items())))
    second = api.post(QUOTES, reordered, **{"Idempotency-Key": "create-1"})
    # then
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["Location"] == first.headers["Location"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert _quote_rows(admin, api.tenant) == 1


def test_the_same_key_with_another_body_is_a_422(api: ApiDriver, admin: psycopg.Connection[Any]) -> None:
    # given
    api.post(QUOTES, quote_body(speed=300), **{"Idempotency-Key": "create-2"})
    # when
    response = api.post(QUOTES, quote_body(speed=1000), **{"Idempotency-Key": "create-2"})
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "idempotencyKeyReused"
    assert _quote_rows(admin, api.tenant) == 1


def test_a_repeated_submit_with_its_key_replays_instead_of_failing_on_the_state(api: ApiDriver) -> None:
    # given
    quote = api.create_quote()
    first = api.post(f"{quote['href']}/submit", **{"Idempotency-Key": "submit-1"})
    # when
    again = api.post(f"{quote['href']}/submit", **{"Idempotency-Key": "submit-1"})
    without_key = api.post(f"{quote['href']}/submit")
    # then
    assert again.status_code == 200 and again.json() == first.json()
    assert without_key.status_code == 409


def test_a_key_used_for_one_quote_cannot_replay_for_another(api: ApiDriver) -> None:
    # given
    one, two = api.create_quote(), api.create_quote()
    api.post(f"{one['href']}/submit", **{"Idempotency-Key": "submit-x"})
    # when
    response = api.post(f"{two['href']}/submit", **{"Idempotency-Key": "submit-x"})
    # then
    assert response.status_code == 422


def test_a_failed_request_is_not_remembered_so_a_corrected_retry_runs(api: ApiDriver) -> None:
    # given: the first attempt fails validation (nothing written, key not kept)
    failed = api.post(QUOTES, quote_body(speed=42), **{"Idempotency-Key": "create-3"})
    # when: a retry with the same key and the same body runs again (and fails again)
    retried = api.post(QUOTES, quote_body(speed=42), **{"Idempotency-Key": "create-3"})
    # then
    assert failed.status_code == retried.status_code == 422
