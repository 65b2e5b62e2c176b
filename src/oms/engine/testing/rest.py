"""The engine's REST app in-process, for tests that talk to it through a synchronous HTTP client (the
official SDK's): no socket, no server thread of uvicorn.

    with rest_transport(process_test.engine) as transport:
        client = CamundaClient(configuration=SDK_CONFIGURATION, httpx_args={"transport": transport})
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

import httpx

from oms.engine.api import Engine
from oms.engine.rest import create_app

#: the SDK settings for the in-process app: any address does (the transport never opens it), no auth
SDK_CONFIGURATION: Final = {"CAMUNDA_REST_ADDRESS": "http://engine.test", "CAMUNDA_AUTH_STRATEGY": "NONE"}


class SyncAsgiTransport(httpx.BaseTransport):
    """Lets a *synchronous* client call an ASGI app in-process (httpx's ``ASGITransport`` is async
    only): requests run on an event loop of their own thread, so many threads can wait on long polls
    at once while the app serves others."""

    def __init__(self, app: Any) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="asgi-bridge", daemon=True)
        self._thread.start()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()

        async def call() -> httpx.Response:
            forwarded = httpx.Request(request.method, request.url, headers=request.headers, content=body)
            response = await self._inner.handle_async_request(forwarded)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content, request=request)

        return asyncio.run_coroutine_threadsafe(call(), self._loop).result()

    def close(self) -> None:
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)


@contextmanager
def rest_transport(engine: Engine) -> Iterator[SyncAsgiTransport]:
    """A transport to ``create_app(engine)``, closed on leaving (close the client on it first)."""
    transport = SyncAsgiTransport(create_app(engine))
    try:
        yield transport
    finally:
        transport.close()
