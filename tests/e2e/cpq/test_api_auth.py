"""Authentication (bearer JWT, development API keys) and authorization (403 from the domain's rules)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from api_support import (
    API_KEY,
    API_KEY_TENANT,
    AUDIENCE,
    ISSUER,
    QUOTES,
    SECRET,
    ApiDriver,
    quote_body,
    token,
)
from fastapi.testclient import TestClient

from oms.api.auth import Claims, issue_token
from oms.domain.shared.actors import ActorKind


def test_a_request_without_credentials_is_a_401_tmf_error(client: TestClient) -> None:
    # when
    response = client.get(QUOTES)
    # then
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "bad_token",
    [
        pytest.param(token("t-x", secret="another-key-of-enough-length-" + "y" * 10), id="wrong-signature"),
        pytest.param("not-a-jwt", id="garbage"),
        pytest.param(
            issue_token(
                SECRET,
                Claims("t-x", "agent-1", ActorKind.SALES_AGENT),
                issuer=ISSUER,
                audience=AUDIENCE,
                now=datetime.now(UTC) - timedelta(days=2),
                ttl=timedelta(hours=1),
            ),
            id="expired",
        ),
        pytest.param(
            issue_token(
                SECRET,
                Claims("t-x", "agent-1", ActorKind.SALES_AGENT),
                issuer=ISSUER,
                audience="another-api",
                now=datetime.now(UTC),
            ),
            id="wrong-audience",
        ),
        pytest.param(
            issue_token(
                SECRET,
                Claims("bad:tenant", "agent-1", ActorKind.SALES_AGENT),
                issuer=ISSUER,
                audience=AUDIENCE,
                now=datetime.now(UTC),
            ),
            id="invalid-tenant-claim",
        ),
    ],
)
def test_a_bad_bearer_token_is_a_401(client: TestClient, bad_token: str) -> None:
    # when
    response = client.get(QUOTES, headers={"Authorization": f"Bearer {bad_token}"})
    # then
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "unauthenticated"


def test_an_unknown_api_key_is_a_401(client: TestClient) -> None:
    # when
    response = client.get(QUOTES, headers={"X-API-Key": "nobody-knows-this-key"})
    # then
    assert response.status_code == 401


def test_a_development_api_key_acts_with_its_claims(client: TestClient) -> None:
    # when
    response = client.get(QUOTES, headers={"X-API-Key": API_KEY})
    # then
    assert response.status_code == 200
    assert API_KEY_TENANT  # the key's tenant has no quotes: an empty page
    assert response.json() == []


def test_a_customer_client_may_not_record_an_approval_decision(api: ApiDriver) -> None:
    # given
    pending = api.pending_quote()
    # when
    response = api.post(f"{pending['href']}/approval/decision", {"decision": "approve"}, actor="customer")
    # then
    assert response.status_code == 403
    assert api.get(pending["href"]).json()["state"] == "pending"


def test_a_sales_agent_may_not_approve_either(api: ApiDriver) -> None:
    # given
    pending = api.pending_quote()
    # when
    response = api.post(f"{pending['href']}/approval/decision", {"decision": "approve"})
    # then
    assert response.status_code == 403


def test_an_approver_of_the_wrong_level_may_not_decide(api: ApiDriver) -> None:
    # given
    pending = api.pending_quote()
    # when
    response = api.post(f"{pending['href']}/approval/decision", {"decision": "approve"}, actor="director")
    # then
    assert response.status_code in (403, 409), response.text
    assert api.get(pending["href"]).json()["state"] == "pending"


def test_a_service_actor_may_not_change_a_price(api: ApiDriver) -> None:
    # given
    created = api.create_quote()
    # when
    response = api.patch(created["href"], {"manualDiscountPercent": "5"}, actor="service")
    # then
    assert response.status_code == 403, response.text
    assert api.get(created["href"]).json()["quoteTotalPrice"] == created["quoteTotalPrice"]


def test_a_customer_client_may_not_grant_itself_a_discount(api: ApiDriver) -> None:
    # when
    response = api.post(QUOTES, quote_body(item_discount="20"), actor="customer")
    # then
    assert response.status_code == 403, response.text
    assert api.get(QUOTES).headers["X-Total-Count"] == "0"
