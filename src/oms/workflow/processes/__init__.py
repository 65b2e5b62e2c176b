"""The BPMN models the OMS runs, shipped as package data beside this module.

Each file ``<process id>.bpmn`` holds one executable process whose id is the file's stem (the
workflow type of its start requests). The contract between these models and the workers (job
types, messages and correlation keys, error codes, timers, variables) is written in
``docs/processes.md``; :mod:`.contract` and :mod:`.variables` hold the same names for code.

Example::

    from oms.workflow import processes

    client.deploy(*processes.resources())
"""

from __future__ import annotations

from importlib import resources as _resources
from typing import Final

QUOTE_APPROVAL: Final = "quote-approval"
ORDER_FULFILLMENT: Final = "order-fulfillment"
ORDER_CANCELLATION: Final = "order-cancellation"
ORDER_AMENDMENT: Final = "order-amendment"
FALLOUT_REPAIR: Final = "fallout-repair"

#: every process the OMS deploys, by BPMN process id
PROCESS_IDS: Final[tuple[str, ...]] = (
    QUOTE_APPROVAL,
    ORDER_FULFILLMENT,
    ORDER_CANCELLATION,
    ORDER_AMENDMENT,
    FALLOUT_REPAIR,
)


def resource_name(process_id: str) -> str:
    """The file name of a process's model (also its resource name in a deployment)."""
    if process_id not in PROCESS_IDS:
        raise KeyError(f"Expected a process id among {', '.join(PROCESS_IDS)}, but got {process_id!r}")
    return f"{process_id}.bpmn"


def load(process_id: str) -> bytes:
    """The BPMN XML of one process."""
    return _resources.files(__name__).joinpath(resource_name(process_id)).read_bytes()


def resources() -> list[tuple[str, bytes]]:
    """Every model as ``(resource name, XML)``, ready for ``WorkflowClient.deploy``."""
    return [(resource_name(process_id), load(process_id)) for process_id in PROCESS_IDS]
