"""Deployed process definitions: immutable, so parsed once per engine process and cached."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import psycopg

from oms.engine.bpmn.model import Process
from oms.engine.bpmn.parser import parse_bpmn
from oms.engine.errors import NotFoundError


@dataclass(frozen=True)
class ProcessDefinition:
    key: int
    bpmn_process_id: str
    version: int
    name: str | None
    resource_name: str
    deployment_key: int
    tenant_id: str
    process: Process


_COLUMNS = "key, bpmn_process_id, version, name, resource_name, deployment_key, tenant_id, bpmn_xml"


class DefinitionCache:
    def __init__(self) -> None:
        self._by_key: dict[int, ProcessDefinition] = {}
        self._lock = threading.Lock()

    def get(self, conn: psycopg.Connection[Any], key: int) -> ProcessDefinition:
        cached = self._by_key.get(key)
        if cached is not None:
            return cached
        row = conn.execute(f"SELECT {_COLUMNS} FROM engine.process_definition WHERE key = %s", (key,)).fetchone()
        if row is None:
            raise NotFoundError(f"Expected to find process definition with key '{key}', but none was found")
        return self._remember(row)

    def latest(self, conn: psycopg.Connection[Any], bpmn_process_id: str, tenant_id: str) -> ProcessDefinition:
        # Which version is the latest is read every time (a deployment may have added one); the
        # XML only when that version is not parsed yet, not with every instance created.
        row = conn.execute(
            "SELECT key FROM engine.process_definition WHERE bpmn_process_id = %s AND tenant_id = %s"
            " ORDER BY version DESC LIMIT 1",
            (bpmn_process_id, tenant_id),
        ).fetchone()
        if row is None:
            raise NotFoundError(
                f"Expected to find process definition with process ID '{bpmn_process_id}', but none found"
            )
        return self.get(conn, int(row[0]))

    def by_version(
        self, conn: psycopg.Connection[Any], bpmn_process_id: str, version: int, tenant_id: str
    ) -> ProcessDefinition:
        row = conn.execute(
            f"SELECT {_COLUMNS} FROM engine.process_definition"
            " WHERE bpmn_process_id = %s AND version = %s AND tenant_id = %s",
            (bpmn_process_id, version, tenant_id),
        ).fetchone()
        if row is None:
            raise NotFoundError(
                f"Expected to find process definition with process ID '{bpmn_process_id}' and version"
                f" '{version}', but none found"
            )
        return self._by_key.get(int(row[0])) or self._remember(row)

    def _remember(self, row: tuple[Any, ...]) -> ProcessDefinition:
        key, process_id, version, name, resource_name, deployment_key, tenant_id, xml = row
        processes = {p.id: p for p in parse_bpmn(bytes(xml), resource_name)}
        definition = ProcessDefinition(
            key=int(key),
            bpmn_process_id=process_id,
            version=int(version),
            name=name,
            resource_name=resource_name,
            deployment_key=int(deployment_key),
            tenant_id=tenant_id,
            process=processes[process_id],
        )
        with self._lock:
            self._by_key[definition.key] = definition
        return definition
