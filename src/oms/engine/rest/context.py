"""What every route needs: the engine, and a way to call it without blocking the event loop.

The engine's API is synchronous (psycopg, one transaction per command). Short commands run on
the default worker-thread pool; long polls (job activation) run under a limiter of their own, so
a crowd of idle workers waiting for jobs cannot starve ordinary requests of threads.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

import anyio.to_thread
from anyio import CapacityLimiter
from fastapi import Request

from oms.engine.api import Engine
from oms.engine.rest.errors import ApiProblem
from oms.engine.state.json import dumps

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class RestSettings:
    #: ``requestTimeout`` 0 or absent: how long a process-instance creation awaits completion.
    await_completion_timeout_ms: int = 10_000
    #: ``requestTimeout`` 0 or absent on job activation (Camunda's default long-polling timeout).
    long_poll_timeout_ms: int = 10_000
    #: long polls that may wait at once (each holds a worker thread while it waits)
    max_long_polls: int = 512


class RestContext:
    def __init__(self, engine: Engine, settings: RestSettings) -> None:
        self.engine = engine
        self.settings = settings
        self._long_poll_limiter: CapacityLimiter | None = None

    async def call(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a short engine call on a worker thread."""
        return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))

    async def long_poll(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a call that may wait for a long time, under the long-poll limiter."""
        if self._long_poll_limiter is None:
            # Created on first use: a limiter belongs to the event loop that runs the app.
            self._long_poll_limiter = CapacityLimiter(self.settings.max_long_polls)
        return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), limiter=self._long_poll_limiter)


def rest_context(request: Request) -> RestContext:
    context: RestContext = request.app.state.rest
    return context


_KEY = re.compile(r"^-?[0-9]{1,19}$")


def parse_key(value: Any, name: str) -> int:
    """A key from the wire (a numeric string, as the API defines keys) as the engine's int."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not _KEY.match(text):
        raise ApiProblem(400, "INVALID_ARGUMENT", f"Expected {name} to be a numeric key, but got {value!r}")
    return int(text)


def key_str(key: int | None) -> str | None:
    return None if key is None else str(key)


def plain_json(value: Any) -> Any:
    """Engine values (decimals, FEEL temporals) as plain JSON values for the wire: the engine
    reads JSON numbers as ``Decimal``, which pydantic would otherwise send as strings."""
    return json.loads(json_text(value))


def json_text(value: Any) -> str:
    """A variable value as the JSON text the API exchanges (compact, as the engine stores it)."""
    return dumps(value)
