"""``oms workflow check``: may this set of models be deployed while instances are running?

BPMN versions are live: a running instance stays on the version it started with, so the workers
must serve every job type of every version that still has active instances. A deployment that drops
a job type (renamed, or its task removed) is safe only if no running instance can still reach it.
This check compares the job types of the models about to be deployed (by default
:mod:`oms.workflow.processes`) with the job types of every deployed version that has active
instances, read from the engine, and

- **refuses** when a job type used by such a version appears in none of the new models (the worker
  fleet built for the new models would leave those instances waiting forever);
- **lists** the job types the running workers must serve, per process version with active instances.

Job types written as FEEL expressions (``type="=..."``) cannot be compared statically: they are
reported, never refused. The check reads the engine only (deployed versions, their XML, active
instance counts), through :class:`DeployedVersions`; it changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from lxml import etree

from oms.workflow.client import DeployedProcess

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"


class DeployedVersions(Protocol):
    """What the check reads from the engine (``oms.scheduler.engine_reads`` implements it for both
    back-ends)."""

    def process_definitions(self, *, limit: int = 1000) -> list[DeployedProcess]: ...

    def definition_xml(self, process_definition_key: int) -> bytes: ...

    def count_active_instances(self, process_definition_key: int, *, limit: int = 1000) -> int: ...


class ModelError(ValueError):
    """A resource that is not BPMN XML the check can read."""


@dataclass(frozen=True)
class ProcessJobTypes:
    bpmn_process_id: str
    job_types: frozenset[str]
    #: job types given as FEEL expressions (``=...``), by element id: known only at run time
    dynamic: tuple[tuple[str, str], ...] = ()


def job_types_of(xml: bytes, *, resource_name: str = "") -> dict[str, ProcessJobTypes]:
    """The job types of every process in a BPMN document, by process id (every
    ``zeebe:taskDefinition`` inside the process, sub-processes included)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as error:
        raise ModelError(f"{resource_name or 'model'}: not XML ({error})") from error
    found: dict[str, ProcessJobTypes] = {}
    for process in root.iter(f"{{{BPMN_NS}}}process"):
        process_id = process.get("id") or ""
        static: set[str] = set()
        dynamic: list[tuple[str, str]] = []
        for definition in process.iter(f"{{{ZEEBE_NS}}}taskDefinition"):
            job_type = (definition.get("type") or "").strip()
            if job_type.startswith("="):
                dynamic.append((_owner_id(definition), job_type))
            elif job_type:
                static.add(job_type)
        found[process_id] = ProcessJobTypes(process_id, frozenset(static), tuple(dynamic))
    if not found:
        raise ModelError(f"{resource_name or 'model'}: no BPMN process in it")
    return found


def _owner_id(definition: Any) -> str:
    """The id of the element a ``zeebe:taskDefinition`` belongs to (it sits in extensionElements)."""
    node = definition.getparent()
    while node is not None and node.get("id") is None:
        node = node.getparent()
    return "" if node is None else str(node.get("id"))


@dataclass(frozen=True)
class RunningVersion:
    """A deployed process version with active instances, and the job types its workers must serve."""

    process: DeployedProcess
    active_instances: int  # counted up to the check's limit
    job_types: frozenset[str]
    dynamic: tuple[tuple[str, str], ...]

    def describe(self, limit: int) -> str:
        count = f"{self.active_instances}+" if self.active_instances >= limit else str(self.active_instances)
        p = self.process
        tenant = "" if p.tenant_id in ("", "<default>") else f", tenant {p.tenant_id}"
        return f"{p.bpmn_process_id} version {p.version} (key {p.process_definition_key}{tenant}, {count} active)"


@dataclass(frozen=True)
class DroppedJobType:
    job_type: str
    used_by: tuple[RunningVersion, ...]


@dataclass(frozen=True)
class CheckReport:
    running: tuple[RunningVersion, ...]
    #: the models to deploy, by process id
    models: dict[str, ProcessJobTypes]
    dropped: tuple[DroppedJobType, ...]
    limit: int

    @property
    def ok(self) -> bool:
        return not self.dropped

    @property
    def job_types_to_serve(self) -> frozenset[str]:
        """Every job type of the running versions and of the new models: what the workers must serve
        once the models are deployed."""
        running = {job_type for version in self.running for job_type in version.job_types}
        new = {job_type for model in self.models.values() for job_type in model.job_types}
        return frozenset(running | new)

    def lines(self) -> list[str]:
        """The report as text, one line each, for the command line."""
        out: list[str] = []
        if self.running:
            out.append("process versions with active instances, and the job types their workers must serve:")
            for version in self.running:
                out.append(f"  {version.describe(self.limit)}")
                out.append(f"    {', '.join(sorted(version.job_types)) or '(no job types)'}")
                out.extend(f"    dynamic job type at {element}: {expr}" for element, expr in version.dynamic)
        else:
            out.append("no deployed process version has active instances")
        out.append(f"job types to serve after this deployment: {', '.join(sorted(self.job_types_to_serve))}")
        for dropped in self.dropped:
            users = "; ".join(version.describe(self.limit) for version in dropped.used_by)
            out.append(
                f"refused: job type {dropped.job_type!r} is used by {users}, and no model of this deployment has it"
            )
        if self.dropped:
            out.append(
                "keep the job type in the models (and its worker running) until those instances have ended, "
                "or migrate them to a version without it first"
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "running": [
                {
                    "bpmnProcessId": v.process.bpmn_process_id,
                    "version": v.process.version,
                    "processDefinitionKey": str(v.process.process_definition_key),
                    "tenantId": v.process.tenant_id,
                    "activeInstances": v.active_instances,
                    "jobTypes": sorted(v.job_types),
                    "dynamicJobTypes": [{"elementId": e, "expression": x} for e, x in v.dynamic],
                }
                for v in self.running
            ],
            "jobTypesToServe": sorted(self.job_types_to_serve),
            "dropped": [
                {"jobType": d.job_type, "usedBy": [str(v.process.process_definition_key) for v in d.used_by]}
                for d in self.dropped
            ],
        }


def check_deployment(
    versions: DeployedVersions, models: Sequence[tuple[str, bytes]], *, limit: int = 1000
) -> CheckReport:
    """Compare ``models`` (resource name, XML) with the deployed versions that have active instances.
    ``limit`` bounds the definitions read and the instances counted per version."""
    new_models: dict[str, ProcessJobTypes] = {}
    for name, xml in models:
        new_models.update(job_types_of(xml, resource_name=name))
    running = tuple(_running_versions(versions, versions.process_definitions(limit=limit), limit))
    new_job_types = {job_type for model in new_models.values() for job_type in model.job_types}
    dropped: dict[str, list[RunningVersion]] = {}
    for version in running:
        for job_type in sorted(version.job_types - new_job_types):
            dropped.setdefault(job_type, []).append(version)
    return CheckReport(
        running=running,
        models=new_models,
        dropped=tuple(DroppedJobType(job_type, tuple(users)) for job_type, users in sorted(dropped.items())),
        limit=limit,
    )


def _running_versions(
    versions: DeployedVersions, deployed: Iterable[DeployedProcess], limit: int
) -> Iterable[RunningVersion]:
    for process in sorted(deployed, key=lambda p: (p.bpmn_process_id, p.version, p.process_definition_key)):
        active = versions.count_active_instances(process.process_definition_key, limit=limit)
        if active == 0:
            continue
        xml = versions.definition_xml(process.process_definition_key)
        model = job_types_of(xml, resource_name=process.resource_name).get(process.bpmn_process_id)
        job_types = model.job_types if model is not None else frozenset()
        dynamic = model.dynamic if model is not None else ()
        yield RunningVersion(process, active, job_types, dynamic)


def load_models(paths: Sequence[str]) -> list[tuple[str, bytes]]:
    """Models from files and directories (every ``*.bpmn`` in a directory), as (resource name, XML)."""
    found: list[tuple[str, bytes]] = []
    for given in paths:
        path = Path(given)
        files = sorted(path.glob("*.bpmn")) if path.is_dir() else [path]
        if not files:
            raise ModelError(f"{given}: no .bpmn file in it")
        for file in files:
            try:
                found.append((file.name, file.read_bytes()))
            except OSError as error:
                raise ModelError(f"{file}: {error.strerror or error}") from error
    return found
