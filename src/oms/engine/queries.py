"""Read-only views of engine state and history (SELECT only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg.rows import class_row
from psycopg_pool import ConnectionPool


@dataclass(frozen=True)
class ProcessInstanceView:
    key: int
    process_definition_key: int
    bpmn_process_id: str
    version: int
    state: str
    tenant_id: str
    start_date: datetime
    end_date: datetime | None
    has_incident: bool


@dataclass(frozen=True)
class ElementInstanceView:
    key: int
    process_instance_key: int
    element_id: str
    element_type: str
    flow_scope_key: int | None
    state: str
    start_date: datetime
    end_date: datetime | None


@dataclass(frozen=True)
class VariableView:
    key: int
    process_instance_key: int
    scope_key: int
    name: str
    value: Any


@dataclass(frozen=True)
class JobView:
    key: int
    type: str
    state: str
    retries: int
    worker: str | None
    deadline: datetime | None
    retry_at: datetime | None
    error_message: str | None
    error_code: str | None
    custom_headers: dict[str, str]
    process_instance_key: int
    element_instance_key: int
    element_id: str
    bpmn_process_id: str
    process_definition_key: int
    tenant_id: str
    created_at: datetime


@dataclass(frozen=True)
class IncidentView:
    key: int
    process_instance_key: int
    element_instance_key: int
    element_id: str
    job_key: int | None
    error_type: str
    error_message: str
    state: str
    bpmn_process_id: str
    process_definition_key: int
    tenant_id: str
    created_at: datetime


@dataclass(frozen=True)
class SubscriptionView:
    key: int
    process_instance_key: int
    element_instance_key: int
    target_element_id: str
    message_name: str
    correlation_key: str
    state: str


@dataclass(frozen=True)
class SignalSubscriptionView:
    """A signal subscription: of an element instance, or (no instance) of a process's start event."""

    key: int
    signal_name: str
    bpmn_process_id: str
    process_definition_key: int
    process_instance_key: int | None
    element_instance_key: int | None
    target_element_id: str
    state: str


@dataclass(frozen=True)
class RecordView:
    position: int
    key: int
    value_type: str
    intent: str
    process_instance_key: int | None
    element_id: str | None
    timestamp: datetime
    value: dict[str, Any]


@dataclass(frozen=True)
class DefinitionView:
    key: int
    bpmn_process_id: str
    version: int
    name: str | None
    resource_name: str
    tenant_id: str


class EngineQueries:
    def __init__(self, pool: ConnectionPool[Any]) -> None:
        self._pool = pool

    def _all(self, cls: type[Any], sql: str, params: tuple[Any, ...]) -> list[Any]:
        with self._pool.connection() as conn, conn.cursor(row_factory=class_row(cls)) as cur:
            rows: list[Any] = cur.execute(sql, params).fetchall()
            return rows

    def process_instance(self, key: int) -> ProcessInstanceView | None:
        found = self._all(
            ProcessInstanceView,
            "SELECT p.key, p.process_definition_key, p.bpmn_process_id, p.version, p.state, p.tenant_id,"
            " p.start_date, p.end_date, EXISTS (SELECT 1 FROM engine.incident i"
            "   WHERE i.process_instance_key = p.key AND i.state = 'ACTIVE') AS has_incident"
            " FROM engine.process_instance p WHERE p.key = %s",
            (key,),
        )
        return found[0] if found else None

    def process_instances(self, bpmn_process_id: str) -> list[ProcessInstanceView]:
        """Every instance of a BPMN process id (all versions), oldest first."""
        found: list[ProcessInstanceView] = self._all(
            ProcessInstanceView,
            "SELECT p.key, p.process_definition_key, p.bpmn_process_id, p.version, p.state, p.tenant_id,"
            " p.start_date, p.end_date, EXISTS (SELECT 1 FROM engine.incident i"
            "   WHERE i.process_instance_key = p.key AND i.state = 'ACTIVE') AS has_incident"
            " FROM engine.process_instance p WHERE p.bpmn_process_id = %s ORDER BY p.key",
            (bpmn_process_id,),
        )
        return found

    def element_instances(self, process_instance_key: int) -> list[ElementInstanceView]:
        return self._all(
            ElementInstanceView,
            "SELECT key, process_instance_key, element_id, element_type, flow_scope_key, state, start_date,"
            " end_date FROM engine.element_instance WHERE process_instance_key = %s ORDER BY key",
            (process_instance_key,),
        )

    def variables(self, process_instance_key: int) -> list[VariableView]:
        return self._all(
            VariableView,
            "SELECT key, process_instance_key, scope_key, name, value FROM engine.variable"
            " WHERE process_instance_key = %s ORDER BY key",
            (process_instance_key,),
        )

    def jobs(self, process_instance_key: int) -> list[JobView]:
        return self._all(
            JobView, _JOB_SELECT + " WHERE process_instance_key = %s ORDER BY key", (process_instance_key,)
        )

    def job(self, key: int) -> JobView | None:
        found = self._all(JobView, _JOB_SELECT + " WHERE key = %s", (key,))
        return found[0] if found else None

    def incidents(self, process_instance_key: int) -> list[IncidentView]:
        return self._all(
            IncidentView,
            _INCIDENT_SELECT + " WHERE process_instance_key = %s ORDER BY key",
            (process_instance_key,),
        )

    def incident(self, key: int) -> IncidentView | None:
        found = self._all(IncidentView, _INCIDENT_SELECT + " WHERE key = %s", (key,))
        return found[0] if found else None

    def message_subscriptions(self, process_instance_key: int) -> list[SubscriptionView]:
        return self._all(
            SubscriptionView,
            "SELECT key, process_instance_key, element_instance_key, target_element_id, message_name,"
            " correlation_key, state FROM engine.message_subscription WHERE process_instance_key = %s ORDER BY key",
            (process_instance_key,),
        )

    def signal_subscriptions(self, bpmn_process_id: str) -> list[SignalSubscriptionView]:
        """Every signal subscription of a process id, open or not, oldest first."""
        return self._all(
            SignalSubscriptionView,
            "SELECT key, signal_name, bpmn_process_id, process_definition_key, process_instance_key,"
            " element_instance_key, target_element_id, state FROM engine.signal_subscription"
            " WHERE bpmn_process_id = %s ORDER BY key",
            (bpmn_process_id,),
        )

    def records(self, process_instance_key: int | None = None, after_position: int = 0) -> list[RecordView]:
        if process_instance_key is None:
            return self._all(RecordView, _RECORD_SELECT + " WHERE position > %s ORDER BY position", (after_position,))
        return self._all(
            RecordView,
            _RECORD_SELECT + " WHERE process_instance_key = %s AND position > %s ORDER BY position",
            (process_instance_key, after_position),
        )

    def definitions(self, bpmn_process_id: str) -> list[DefinitionView]:
        return self._all(
            DefinitionView,
            "SELECT key, bpmn_process_id, version, name, resource_name, tenant_id FROM engine.process_definition"
            " WHERE bpmn_process_id = %s ORDER BY version",
            (bpmn_process_id,),
        )

    def definition_xml(self, key: int) -> bytes | None:
        with self._pool.connection() as conn:
            row = conn.execute("SELECT bpmn_xml FROM engine.process_definition WHERE key = %s", (key,)).fetchone()
        return bytes(row[0]) if row else None


_JOB_SELECT = (
    "SELECT key, type, state, retries, worker, deadline, retry_at, error_message, error_code, custom_headers,"
    " process_instance_key, element_instance_key, element_id, bpmn_process_id, process_definition_key, tenant_id,"
    " created_at FROM engine.job"
)
_INCIDENT_SELECT = (
    "SELECT key, process_instance_key, element_instance_key, element_id, job_key, error_type, error_message, state,"
    " bpmn_process_id, process_definition_key, tenant_id, created_at FROM engine.incident"
)
_RECORD_SELECT = (
    "SELECT position, key, value_type, intent, process_instance_key, element_id, timestamp, value FROM engine.record"
)
