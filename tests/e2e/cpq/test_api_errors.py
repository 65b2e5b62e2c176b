"""Bad input gets a 4xx TMF error body that says what is wrong, and nothing is half-written."""

from __future__ import annotations

from typing import Any

import psycopg
from api_support import QUOTES, ApiDriver, quote_body


def _count(admin: psycopg.Connection[Any], table: str, tenant: str) -> int:
    row = admin.execute(f"SELECT count(*) FROM {table} WHERE tenant_id = %s", (tenant,)).fetchone()
    assert row is not None
    return int(row[0])


def test_malformed_json_is_a_400_tmf_error(api: ApiDriver) -> None:
    # when
    response = api.client.post(
        QUOTES, content=b'{"quoteItem": [', headers=api.headers(**{"Content-Type": "application/json"})
    )
    # then
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "malformedJson"
    assert set(body) >= {"code", "reason", "message", "status"}
    assert body["status"] == "400"


def test_a_body_not_matching_the_schema_is_a_400_naming_the_attribute(api: ApiDriver) -> None:
    # given
    body = quote_body()
    del body["quoteItem"]
    body["colour"] = "red"
    # when
    response = api.post(QUOTES, body)
    # then
    assert response.status_code == 400
    locations = {p["location"] for p in response.json()["details"]["problems"]}
    assert {"body.quoteItem", "body.colour"} <= locations


def test_an_unknown_offering_is_a_422_naming_the_item_and_the_offering(
    api: ApiDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    before = {table: _count(admin, table, api.tenant) for table in ("quote", "audit_event", "outbox_event")}
    # when
    response = api.post(QUOTES, quote_body(offering="po-teleporter"))
    # then
    assert response.status_code == 422
    problems = response.json()["details"]["problems"]
    assert {"code": "unknownOffering", "item_id": "1", "offering_id": "po-teleporter"}.items() <= problems[0].items()
    assert {table: _count(admin, table, api.tenant) for table in before} == before


def test_an_invalid_characteristic_value_is_a_422_naming_item_and_characteristic(api: ApiDriver) -> None:
    # when
    response = api.post(QUOTES, quote_body(speed=42))
    # then
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalidConfiguration"
    problem = body["details"]["problems"][0]
    assert (problem["item_id"], problem["characteristic"]) == ("1", "downloadSpeed")
    assert "downloadSpeed" in body["message"] and "'1'" in body["message"]


def test_a_wrongly_typed_characteristic_is_a_422_too(api: ApiDriver) -> None:
    # when
    response = api.post(QUOTES, quote_body(speed="fast"))
    # then
    assert response.status_code == 422
    assert response.json()["details"]["problems"][0]["characteristic"] == "downloadSpeed"


def test_an_illegal_transition_is_a_409_naming_the_state(api: ApiDriver) -> None:
    # given
    quote = api.create_quote()
    # when
    response = api.post(f"{quote['href']}/accept", actor="customer")
    # then
    assert response.status_code == 409
    assert response.json()["code"] == "illegalTransition"
    assert "inProgress" in response.json()["message"]


def test_a_stale_if_match_is_a_412_and_changes_nothing(api: ApiDriver) -> None:
    # given
    quote = api.create_quote()
    etag = api.get(quote["href"]).headers["ETag"]
    api.patch(quote["href"], {"manualDiscountPercent": "2"}, **{"If-Match": etag})
    # when: a second change based on the first version
    response = api.patch(quote["href"], {"manualDiscountPercent": "3"}, **{"If-Match": etag})
    # then
    assert response.status_code == 412
    assert response.json()["code"] == "staleVersion"
    assert api.get(quote["href"]).json()["manualDiscountPercent"] == "2"


def test_a_current_if_match_lets_the_change_through(api: ApiDriver) -> None:
    # given
    quote = api.create_quote()
    etag = api.get(quote["href"]).headers["ETag"]
    # when
    response = api.post(f"{quote['href']}/submit", **{"If-Match": etag})
    # then
    assert response.status_code == 200
    assert response.headers["ETag"] != etag


def test_a_malformed_if_match_is_a_400(api: ApiDriver) -> None:
    # given
    quote = api.create_quote()
    # when
    response = api.post(f"{quote['href']}/submit", **{"If-Match": "yesterday"})
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "invalidIfMatch"


def test_an_unknown_quote_is_a_404(api: ApiDriver) -> None:
    # when
    response = api.get(f"{QUOTES}/no-such-quote")
    # then
    assert response.status_code == 404
    assert response.json()["code"] == "notFound"


def test_the_correlation_id_of_the_caller_is_echoed(api: ApiDriver) -> None:
    # when
    response = api.client.get(QUOTES, headers=api.headers(**{"X-Correlation-ID": "corr-123"}))
    # then
    assert response.headers["X-Correlation-ID"] == "corr-123"
    assert response.headers["X-Request-ID"]
