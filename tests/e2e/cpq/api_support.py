"""A small client for the tests: tokens per actor of one tenant, and the requests a test repeats."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi.testclient import TestClient

from oms.api.auth import Claims, issue_token
from oms.domain.approval.policy import COMMERCIAL_DIRECTOR, SALES_MANAGER
from oms.domain.shared.actors import ActorKind

SECRET = "e2e-test-signing-key-" + "x" * 32
ISSUER, AUDIENCE = "oms", "oms-api"
API_KEY = "dev-key-0123456789abcdef"
API_KEY_TENANT = "t-apikey"
API_KEY_CLAIMS = Claims(API_KEY_TENANT, "agent-key", ActorKind.SALES_AGENT)
QUOTES = "/tmf-api/quoteManagement/v4/quote"
CATALOG = "/tmf-api/productCatalogManagement/v4"

ACTORS: dict[str, tuple[str, ActorKind, frozenset[str]]] = {
    "agent": ("agent-1", ActorKind.SALES_AGENT, frozenset()),
    "customer": ("portal-1", ActorKind.CUSTOMER_CLIENT, frozenset()),
    "operator": ("operator-1", ActorKind.OPERATOR, frozenset()),
    "service": ("approval-worker", ActorKind.SERVICE, frozenset()),
    "manager": ("manager-1", ActorKind.APPROVER, frozenset({SALES_MANAGER})),
    "director": ("director-1", ActorKind.APPROVER, frozenset({COMMERCIAL_DIRECTOR})),
}


def new_tenant_id() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


def token(tenant: str, actor: str = "agent", *, secret: str = SECRET) -> str:
    sub, kind, roles = ACTORS[actor]
    return issue_token(
        secret, Claims(tenant, sub, kind, roles), issuer=ISSUER, audience=AUDIENCE, now=datetime.now(UTC)
    )


def quote_body(
    *, speed: object = 1000, offering: str = "po-fiber-broadband", item_discount: str | None = None
) -> dict[str, Any]:
    fiber: dict[str, Any] = {
        "id": "1",
        "quantity": 1,
        "productOffering": {"id": offering},
        "product": {"productCharacteristic": [{"name": "downloadSpeed", "value": speed}]},
    }
    if item_discount is not None:
        fiber["manualDiscountPercent"] = item_discount
    return {
        "@type": "Quote",
        "description": "fiber and tv",
        "relatedParty": [{"id": "customer-1", "role": "customer"}],
        "contractTermMonths": 24,
        "quoteItem": [fiber, {"id": "2", "quantity": 1, "productOffering": {"id": "po-tv"}}],
    }


@dataclass
class ApiDriver:
    client: TestClient
    tenant: str

    def headers(self, actor: str = "agent", **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token(self.tenant, actor)}", **extra}

    def get(self, path: str, actor: str = "agent", **params: Any) -> httpx.Response:
        return self.client.get(path, headers=self.headers(actor), params=params)

    def post(self, path: str, body: object = None, actor: str = "agent", **headers: str) -> httpx.Response:
        return self.client.post(path, json=body, headers=self.headers(actor, **headers))

    def patch(self, path: str, body: object, actor: str = "agent", **headers: str) -> httpx.Response:
        merged = self.headers(actor, **{"Content-Type": "application/merge-patch+json", **headers})
        return self.client.patch(path, json=body, headers=merged)

    def create_quote(self, actor: str = "agent", **body: Any) -> dict[str, Any]:
        response = self.post(QUOTES, quote_body(**body), actor)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    def pending_quote(self) -> dict[str, Any]:
        """Created with a 15 % item discount (above the sales manager's 10 %) and submitted."""
        quote = self.create_quote(item_discount="15")
        response = self.post(f"{QUOTES}/{quote['id']}/submit")
        assert response.status_code == 200, response.text
        assert response.json()["state"] == "pending"
        submitted: dict[str, Any] = response.json()
        return submitted

    def approved_quote(self) -> dict[str, Any]:
        quote = self.create_quote()
        response = self.post(f"{QUOTES}/{quote['id']}/submit")
        assert response.json()["state"] == "approved", response.text
        approved: dict[str, Any] = response.json()
        return approved
