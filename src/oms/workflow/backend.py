"""Which workflow back-end a process talks to: Camunda 8 through the official SDK when configured
(``CAMUNDA_REST_ADDRESS`` or ``ZEEBE_REST_ADDRESS``, or ``camunda`` asked for), else the embedded
engine. ``oms worker``, ``oms workflow-relay`` and ``oms scheduler`` decide alike; each opens its own
clients, so this module imports no engine (the relay's and the scheduler's contracts forbid it)."""

from __future__ import annotations

import os
from typing import Final

BACKENDS: Final = ("auto", "embedded", "camunda")


def uses_camunda(backend: str) -> bool:
    if backend not in BACKENDS:
        raise ValueError(f"Expected a backend among {', '.join(BACKENDS)}, but got {backend!r}")
    return backend == "camunda" or (
        backend == "auto" and bool(os.environ.get("CAMUNDA_REST_ADDRESS") or os.environ.get("ZEEBE_REST_ADDRESS"))
    )
