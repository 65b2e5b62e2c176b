"""The whole OMS in one process (engine, relay, workers, simulators, API) for ``oms dev``,
``oms demo``, the end-to-end scenarios and ``oms bench e2e``."""

from oms.system.config import ClientKind, SystemConfig
from oms.system.runner import System

__all__ = ["ClientKind", "System", "SystemConfig"]
