"""Job handlers, one module per process (``workers/<process>.py``), each a thin adapter: build the
request context from the job, run one application command, return variables or raise.

``default_handlers`` is the registry ``oms worker`` serves. It is empty until the application
services the handlers call exist; tests and embedders pass their own handlers to the runtime.
"""

from __future__ import annotations

from oms.workflow.runtime import Handler


def default_handlers() -> dict[str, Handler]:
    """Handlers by stable job type (see :mod:`oms.workflow.job_types`)."""
    return {}
