"""Fixtures of the REST compatibility suite: the API in-process (httpx's ASGI transport) and over a
real socket (``oms engine serve`` in a subprocess), both driven by the official SDK.

The socket server gets a database of its own: its background services run on its own clock, and
must not time out the jobs or fire the timers of in-process tests that pinned theirs elsewhere.
Tests never truncate: each one works on process ids, job types and message names of its own.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from rest_support import Api

from oms.engine.api import Engine
from oms.engine.clock import ControlledClock
from oms.engine.postgres import create_database, drop_database, with_database
from oms.engine.rest import create_app

TRANSPORTS = ["asgi", "socket"]
_SERVER_START_TIMEOUT_S = 60.0


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def rest_engine(engine_database_url: str) -> Iterator[Engine]:
    """An engine as ``oms engine serve --controlled-clock`` runs it: controlled clock, background services."""
    engine = Engine.connect(engine_database_url, clock=ControlledClock(), pool_size=4)
    engine.start_background_services(interval_s=0.05)
    try:
        yield engine
    finally:
        engine.close()


@pytest.fixture
def asgi_app(rest_engine: Engine) -> FastAPI:
    return create_app(rest_engine)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_ready(process: subprocess.Popen[bytes], base_url: str) -> None:
    deadline = time.monotonic() + _SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"oms engine serve exited with {process.returncode}")
        try:
            if httpx.get(f"{base_url}/v2/topology", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)  # polling a starting process: there is no event to wait on
    raise TimeoutError(f"oms engine serve did not answer on {base_url} within {_SERVER_START_TIMEOUT_S} s")


@pytest.fixture(scope="session")
def socket_server(engine_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``oms engine serve --controlled-clock`` on a free port and a database of its own."""
    database = create_database(with_database(engine_database_url, "postgres"), prefix="engine_rest")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("engine-serve") / "server.log"
    oms = Path(sys.executable).with_name("oms")
    env = {**os.environ, "OMS_DATABASE_URL": database}
    env.pop("OMS_ENGINE_BASIC_AUTH", None)
    env.pop("OMS_ENGINE_BEARER_TOKENS", None)
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(oms), "engine", "serve", "--host", "127.0.0.1", "--port", str(port), "--controlled-clock"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        try:
            _wait_until_ready(process, base_url)
        except (RuntimeError, TimeoutError) as error:
            raise RuntimeError(f"{error}\n{log.read_text(errors='replace')}") from error
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        drop_database(database)


@pytest.fixture(params=TRANSPORTS)
def api(request: pytest.FixtureRequest) -> Iterator[Api]:
    """The API over each transport; the engine clock is handed back to real time afterwards."""
    if request.param == "asgi":
        app: FastAPI = request.getfixturevalue("asgi_app")
        handle = Api("asgi", "http://asgi.test", httpx.ASGITransport(app=app))
        yield handle
        return
    base_url: str = request.getfixturevalue("socket_server")
    yield Api("socket", base_url, None)
    httpx.post(f"{base_url}/v2/clock/reset", timeout=10).raise_for_status()


@pytest.fixture
def asgi_api(asgi_app: FastAPI) -> Api:
    """In-process only: for checks that do not depend on the transport (bad input, auth)."""
    return Api("asgi", "http://asgi.test", httpx.ASGITransport(app=asgi_app))
