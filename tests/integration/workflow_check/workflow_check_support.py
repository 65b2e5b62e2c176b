"""Helpers of the workflow check suite: BPMN models with given job types, and an in-process
transport for the SDK."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx

from oms.engine.testing.builder import process


def with_job_types(process_id: str, *job_types: str) -> bytes:
    """start -> one service task per job type, in order -> end."""
    builder = process(process_id).start_event()
    for number, job_type in enumerate(job_types, start=1):
        builder = builder.service_task(f"task_{number}", job_type=job_type)
    return builder.end_event().done()


class SyncAsgiTransport(httpx.BaseTransport):
    """Lets the SDK's synchronous client call the engine's ASGI app in-process."""

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
