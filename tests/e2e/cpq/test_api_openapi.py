"""The OpenAPI document and the browsable docs; health endpoints."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_openapi_lists_every_resource_with_stable_unique_operation_ids(client: TestClient) -> None:
    # when
    response = client.get("/openapi.json")
    # then
    assert response.status_code == 200
    document = response.json()
    paths = document["paths"]
    assert "/tmf-api/quoteManagement/v4/quote/{quote_id}/approval/decision" in paths
    assert "/tmf-api/productCatalogManagement/v4/productOffering/{offering_id}" in paths
    operation_ids = [op["operationId"] for item in paths.values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids))
    assert "quote.create" in operation_ids
    assert {"HTTPBearer", "APIKeyHeader"} <= set(document["components"]["securitySchemes"])


def test_docs_are_browsable(client: TestClient) -> None:
    # when
    response = client.get("/docs")
    # then
    assert response.status_code == 200
    assert "swagger" in response.text.lower()


def test_health_answers_without_credentials(client: TestClient) -> None:
    # when
    live, ready = client.get("/health/live"), client.get("/health/ready")
    # then
    assert (live.status_code, ready.status_code) == (200, 200)
