"""Tenant B can neither read nor change tenant A's data through any endpoint: every request is a 404
(never 403, so ids cannot be probed), lists do not show A's quotes, and A's quote is unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from api_support import CATALOG, QUOTES, ApiDriver, quote_body

# (method, path suffix after the quote's href, body, acting role of tenant B)
QUOTE_ENDPOINTS: list[tuple[str, str, Any, str]] = [
    ("GET", "", None, "agent"),
    ("PATCH", "", {"quoteItem": quote_body()["quoteItem"]}, "agent"),
    ("PATCH", "", {"state": "cancelled"}, "agent"),
    ("POST", "/submit", None, "agent"),
    ("POST", "/accept", None, "customer"),
    ("POST", "/reject", {"reason": "x"}, "customer"),
    ("POST", "/cancel", None, "agent"),
    ("GET", "/approval", None, "manager"),
    ("POST", "/approval/decision", {"decision": "approve"}, "manager"),
]


def _call(driver: ApiDriver, method: str, path: str, body: Any, actor: str) -> int:
    if method == "GET":
        return driver.get(path, actor).status_code
    if method == "PATCH":
        return driver.patch(path, body, actor).status_code
    return driver.post(path, body, actor, **{"Idempotency-Key": "same-key-in-both-tenants"}).status_code


@pytest.mark.parametrize(("method", "suffix", "body", "actor"), QUOTE_ENDPOINTS)
def test_another_tenant_gets_404_on_every_quote_endpoint_and_changes_nothing(
    api: ApiDriver, other: ApiDriver, method: str, suffix: str, body: Any, actor: str
) -> None:
    # given: a pending quote of tenant A (it has an approval case, so every endpoint has a target)
    quote = api.pending_quote()
    before = api.get(quote["href"])
    # when
    status = _call(other, method, quote["href"] + suffix, body, actor)
    # then
    assert status == 404
    after = api.get(quote["href"])
    assert after.json() == before.json()
    assert after.headers["ETag"] == before.headers["ETag"]


def test_another_tenants_list_does_not_show_the_quote(api: ApiDriver, other: ApiDriver) -> None:
    # given
    quote = api.create_quote()
    # when
    listed = other.get(QUOTES, **{"relatedParty.id": "customer-1"})
    # then
    assert listed.json() == []
    assert listed.headers["X-Total-Count"] == "0"
    assert quote["id"] in api.get(QUOTES).text


def test_a_tenant_without_a_catalog_sees_no_offerings_of_another(api: ApiDriver, client: Any) -> None:
    # given: a tenant that never loaded a catalog
    empty = ApiDriver(client, "t-empty-" + api.tenant[2:])
    # when
    listed = empty.get(f"{CATALOG}/productOffering")
    one = empty.get(f"{CATALOG}/productOffering/po-tv")
    spec = empty.get(f"{CATALOG}/productSpecification/ps-fiber")
    created = empty.post(QUOTES, quote_body())
    # then
    assert [listed.status_code, one.status_code, spec.status_code] == [404, 404, 404]
    assert created.status_code == 404
