"""Embedded BPMN engine with Camunda 8 (Zeebe) semantics, persisted in PostgreSQL.

It imports nothing else of ``oms`` (an import-linter contract): it is a library in its own right.
"""

from oms.engine.api import Engine
from oms.engine.clock import ControlledClock, SystemClock

__all__ = ["ControlledClock", "Engine", "SystemClock"]
