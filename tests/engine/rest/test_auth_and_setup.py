"""Authentication as Camunda does it (none unless configured; Basic and Bearer when configured),
the clock endpoints on an engine without a controllable clock, and the server's safety check."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from camunda_orchestration_sdk import CamundaAsyncClient
from camunda_orchestration_sdk.errors import UnauthorizedError
from camunda_orchestration_sdk.models import TopologyResponse

from oms.engine.api import Engine
from oms.engine.rest import AuthConfig, create_app
from oms.engine.rest.server import is_loopback, serve

pytestmark = pytest.mark.anyio

AUTH = AuthConfig(basic_users={"demo": "s3cret"}, bearer_tokens=frozenset({"token-1"}))


@pytest.fixture
async def secured(rest_engine: Engine) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(rest_engine, auth=AUTH))
    async with httpx.AsyncClient(transport=transport, base_url="http://asgi.test/v2") as http:
        yield http


async def test_without_credentials_a_secured_api_answers_401_with_its_challenges(secured: httpx.AsyncClient) -> None:
    response = await secured.get("/topology")
    wrong = await secured.get("/topology", auth=("demo", "wrong"))
    assert response.status_code == wrong.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["www-authenticate"] == 'Basic realm="camunda", Bearer realm="camunda"'


async def test_basic_and_bearer_credentials_are_accepted_and_the_status_probe_is_public(
    secured: httpx.AsyncClient,
) -> None:
    basic = await secured.get("/topology", auth=("demo", "s3cret"))
    bearer = await secured.get("/topology", headers={"Authorization": "Bearer token-1"})
    status = await secured.get("/status")
    assert (basic.status_code, bearer.status_code, status.status_code) == (200, 200, 204)


async def test_the_sdk_authenticates_with_basic_credentials(rest_engine: Engine) -> None:
    transport = httpx.ASGITransport(app=create_app(rest_engine, auth=AUTH))
    base = {"CAMUNDA_REST_ADDRESS": "http://asgi.test"}
    basic = {**base, "CAMUNDA_AUTH_STRATEGY": "BASIC", "CAMUNDA_BASIC_AUTH_USERNAME": "demo"}
    async with CamundaAsyncClient(
        configuration={**basic, "CAMUNDA_BASIC_AUTH_PASSWORD": "s3cret"},  # type: ignore[arg-type]
        httpx_args={"transport": transport},
    ) as client:
        topology = await client.get_topology()
    async with CamundaAsyncClient(
        configuration={**base, "CAMUNDA_AUTH_STRATEGY": "NONE"},  # type: ignore[arg-type]
        httpx_args={"transport": transport},
    ) as anonymous:
        with pytest.raises(UnauthorizedError):
            await anonymous.get_topology()
    assert isinstance(topology, TopologyResponse)


def test_credentials_come_from_the_environment() -> None:
    config = AuthConfig.from_env({"OMS_ENGINE_BASIC_AUTH": "a:1, b:2:x", "OMS_ENGINE_BEARER_TOKENS": "t1,t2"})
    assert dict(config.basic_users) == {"a": "1", "b": "2:x"}
    assert config.bearer_tokens == frozenset({"t1", "t2"})
    assert not AuthConfig.from_env({}).enabled
    with pytest.raises(ValueError):
        AuthConfig.from_env({"OMS_ENGINE_BASIC_AUTH": "no-password"})


async def test_the_clock_endpoints_need_a_controllable_clock(engine_database_url: str) -> None:
    with Engine.connect(engine_database_url, pool_size=2) as engine:  # the system clock
        transport = httpx.ASGITransport(app=create_app(engine))
        async with httpx.AsyncClient(transport=transport, base_url="http://asgi.test/v2") as http:
            pinned = await http.put("/clock", json={"timestamp": 1_700_000_000_000})
            reset = await http.post("/clock/reset")
    for response in (pinned, reset):
        assert response.status_code == 400
        assert "controllable clock" in response.json()["detail"]


def test_the_server_refuses_an_open_api_on_a_non_loopback_address() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0")
    with pytest.raises(ValueError, match="Refusing"):
        serve("postgresql://unused", host="0.0.0.0", port=1)
