"""Deploy BPMN resources: all or nothing; an unchanged process keeps its version."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from oms.engine.bpmn.errors import BpmnValidationError
from oms.engine.bpmn.parser import parse_bpmn
from oms.engine.commands.signals import register_signal_start_events
from oms.engine.commands.start_events import register_start_events
from oms.engine.errors import DeploymentRejectedError, InvalidArgumentError
from oms.engine.processing.writes import append_record
from oms.engine.records import Intent, ValueType

_DEPLOY_LOCK = 7_362_012  # serialises deployments so versions are assigned one at a time


@dataclass(frozen=True)
class DeployedProcess:
    key: int
    bpmn_process_id: str
    version: int
    resource_name: str
    tenant_id: str
    is_new_version: bool


@dataclass(frozen=True)
class Deployment:
    key: int
    tenant_id: str
    processes: tuple[DeployedProcess, ...]


def deploy(
    conn: psycopg.Connection[Any],
    resources: Sequence[tuple[str, bytes]],
    now: datetime,
    next_key: Callable[[], int],
    tenant_id: str = "<default>",
) -> Deployment:
    if not resources:
        raise InvalidArgumentError("Expected to deploy at least one resource, but none given")
    parsed: list[tuple[str, bytes, list[Any]]] = []
    problems: list[str] = []
    for name, xml in resources:
        if not name.endswith((".bpmn", ".xml")):
            problems.append(f"'{name}': unsupported resource type (expected a .bpmn file)")
            continue
        try:
            parsed.append((name, xml, parse_bpmn(xml, name)))
        except BpmnValidationError as error:
            problems.extend(f"'{name}': {problem}" for problem in error.problems)
    seen: dict[str, str] = {}
    for name, _xml, processes in parsed:
        for process in processes:
            if process.id in seen:
                problems.append(f"'{name}': duplicate process id '{process.id}' (also in '{seen[process.id]}')")
            seen[process.id] = name
    if problems:
        raise DeploymentRejectedError(
            "Expected to deploy new resources, but encountered the following errors:\n" + "\n".join(problems),
            problems,
        )

    deployment_key = next_key()
    deployed: list[DeployedProcess] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_DEPLOY_LOCK,))
        conn.execute(
            "INSERT INTO engine.deployment (key, tenant_id, created_at) VALUES (%s, %s, %s)",
            (deployment_key, tenant_id, now),
        )
        for name, xml, processes in parsed:
            checksum = hashlib.sha256(xml).hexdigest()
            for process in processes:
                latest = conn.execute(
                    "SELECT key, version, checksum, resource_name FROM engine.process_definition"
                    " WHERE bpmn_process_id = %s AND tenant_id = %s ORDER BY version DESC LIMIT 1",
                    (process.id, tenant_id),
                ).fetchone()
                if latest is not None and latest[2] == checksum and latest[3] == name:
                    deployed.append(DeployedProcess(int(latest[0]), process.id, int(latest[1]), name, tenant_id, False))
                    continue
                key, version = next_key(), (int(latest[1]) + 1 if latest else 1)
                conn.execute(
                    "INSERT INTO engine.process_definition (key, bpmn_process_id, version, name, resource_name,"
                    " checksum, bpmn_xml, deployment_key, tenant_id, created_at)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    (
                        key,
                        process.id,
                        version,
                        process.name,
                        name,
                        checksum,
                        xml,
                        deployment_key,
                        tenant_id,
                        now,
                    ),
                )
                append_record(
                    conn,
                    now,
                    ValueType.PROCESS,
                    Intent.CREATED,
                    key,
                    element_id=process.id,
                    value={
                        "bpmnProcessId": process.id,
                        "version": version,
                        "resourceName": name,
                        "deploymentKey": deployment_key,
                    },
                )
                register_start_events(conn, process, key, tenant_id, now, next_key)
                register_signal_start_events(conn, process, key, tenant_id, now, next_key)
                deployed.append(DeployedProcess(key, process.id, version, name, tenant_id, True))
        append_record(
            conn,
            now,
            ValueType.DEPLOYMENT,
            Intent.CREATED,
            deployment_key,
            value={"resources": [name for name, _, _ in parsed]},
        )
    return Deployment(deployment_key, tenant_id, tuple(deployed))
