"""Every model deploys on the embedded engine, speaks only the contract's names (job types,
messages, correlation keys, error codes, variables) and has a complete diagram."""

from __future__ import annotations

from contextlib import closing
from typing import Any

import pytest
from lxml import etree
from typer.testing import CliRunner

from oms.cli import app
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.rest import SDK_CONFIGURATION, rest_transport
from oms.workflow import processes
from oms.workflow.deploy import deploy_processes
from oms.workflow.embedded import EmbeddedWorkflowClient
from oms.workflow.job_types import ALL_JOB_TYPES
from oms.workflow.processes import contract
from oms.workflow.processes.variables import ALLOWED_VARIABLES

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "zeebe": "http://camunda.org/schema/zeebe/1.0",
}
#: BPMN elements that a diagram draws (everything in a process but documentation and extensions)
DRAWN = (
    "startEvent", "endEvent", "boundaryEvent", "intermediateCatchEvent", "intermediateThrowEvent", "serviceTask",
    "sendTask", "receiveTask", "scriptTask", "userTask", "task", "exclusiveGateway", "parallelGateway",
    "inclusiveGateway", "eventBasedGateway", "subProcess", "callActivity", "sequenceFlow",
)  # fmt: skip


def model(process_id: str) -> Any:
    return etree.fromstring(processes.load(process_id))


def all_models() -> list[tuple[str, Any]]:
    return [(process_id, model(process_id)) for process_id in processes.PROCESS_IDS]


def test_every_model_deploys_on_the_embedded_engine(process_test: ProcessTestHarness) -> None:
    # when
    deployment = process_test.deploy(*processes.resources())
    # then
    deployed = {definition.bpmn_process_id for definition in deployment.processes}
    assert deployed == set(processes.PROCESS_IDS)


def test_each_file_holds_the_process_named_after_it() -> None:
    for process_id, root in all_models():
        ids = [p.get("id") for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable") == "true"]
        assert ids == [process_id]


def test_models_use_only_stable_job_types_and_every_stable_job_type_is_used() -> None:
    # when
    used = {
        definition.get("type")
        for _, root in all_models()
        for definition in root.iterfind(".//zeebe:taskDefinition", NS)
    }
    # then
    assert used <= set(ALL_JOB_TYPES), f"not stable job types: {used - set(ALL_JOB_TYPES)}"
    assert set(ALL_JOB_TYPES) <= used, f"stable job types no model uses: {set(ALL_JOB_TYPES) - used}"


def test_messages_and_correlation_keys_are_the_contracts() -> None:
    by_name = {message.name: message for message in contract.ALL_MESSAGES}
    used: set[str] = set()
    for process_id, root in all_models():
        for message in root.iterfind("bpmn:message", NS):
            name = message.get("name")
            assert name in by_name, f"{process_id}: message {name} is not in the contract"
            used.add(name)
            subscription = message.find("bpmn:extensionElements/zeebe:subscription", NS)
            assert subscription is not None
            assert subscription.get("correlationKey") == f"={by_name[name].correlation_variable}"
            # a catching element takes what the contract lets the message carry (or keeps its own key,
            # an output that stops anything else the message carries from entering the process)
            allowed = {*by_name[name].variables, by_name[name].correlation_variable}
            for catcher in root.xpath(f"//*[@messageRef='{message.get('id')}']"):
                element = catcher if catcher.tag.endswith("receiveTask") else catcher.getparent()
                targets = {output.get("target") for output in element.iterfind(".//zeebe:output", NS)}
                assert targets <= allowed, f"{process_id}: {element.get('id')} takes {targets}"
    assert used == set(by_name)


def test_error_codes_are_the_contracts() -> None:
    codes = {error.get("errorCode") for _, root in all_models() for error in root.iterfind("bpmn:error", NS)}
    assert codes == set(contract.ALL_ERROR_CODES)


def test_every_variable_a_model_writes_is_allowed_for_its_process() -> None:
    for process_id, root in all_models():
        targets = {output.get("target") for output in root.iterfind(".//zeebe:output", NS)}
        targets |= {inp.get("target") for inp in root.iterfind(".//zeebe:input", NS)}
        assert targets <= ALLOWED_VARIABLES[process_id], f"{process_id}: {targets - ALLOWED_VARIABLES[process_id]}"


@pytest.mark.parametrize("process_id", processes.PROCESS_IDS)
def test_every_element_and_flow_has_a_diagram_element(process_id: str) -> None:
    # given
    root = model(process_id)
    # when
    drawn = {el.get("id") for kind in DRAWN for el in root.iterfind(f"bpmn:process//bpmn:{kind}", NS)}
    shapes = {el.get("bpmnElement") for el in root.iterfind(".//bpmndi:BPMNShape", NS)}
    edges = {el.get("bpmnElement") for el in root.iterfind(".//bpmndi:BPMNEdge", NS)}
    planes = [el.get("bpmnElement") for el in root.iterfind(".//bpmndi:BPMNPlane", NS)]
    # then
    assert planes == [process_id]
    assert drawn == shapes | edges
    assert not shapes & edges


def test_deploy_processes_deploys_every_model_through_the_client_and_again_keeps_the_versions(
    process_test: ProcessTestHarness,
) -> None:
    # given
    client = EmbeddedWorkflowClient(process_test.engine)
    # when
    first = deploy_processes(client)
    again = deploy_processes(client)
    # then
    assert {p.bpmn_process_id for p in first.processes} == set(processes.PROCESS_IDS)
    assert {(p.bpmn_process_id, p.version) for p in again.processes} == {
        (p.bpmn_process_id, p.version) for p in first.processes
    }


def test_deploy_processes_through_the_official_sdk_deploys_every_model_over_the_rest_api(
    process_test: ProcessTestHarness,
) -> None:
    # given: the Camunda client (official SDK) against the engine's Orchestration Cluster REST API
    from oms.workflow.camunda_sdk import CamundaWorkflowClient

    with (
        rest_transport(process_test.engine) as transport,
        closing(CamundaWorkflowClient(SDK_CONFIGURATION, httpx_args={"transport": transport})) as client,
    ):
        # when
        result = deploy_processes(client)
    # then
    assert {(p.bpmn_process_id, p.resource_name) for p in result.processes} == {
        (process_id, f"{process_id}.bpmn") for process_id in processes.PROCESS_IDS
    }


def test_oms_workflow_deploy_deploys_every_model_to_the_embedded_engine(
    process_test: ProcessTestHarness, engine_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    monkeypatch.setenv("OMS_DATABASE_URL", engine_database_url)
    monkeypatch.delenv("CAMUNDA_REST_ADDRESS", raising=False)
    monkeypatch.delenv("ZEEBE_REST_ADDRESS", raising=False)
    # when
    result = CliRunner().invoke(app, ["workflow", "deploy", "--backend", "embedded"])
    # then
    assert result.exit_code == 0, result.output
    for process_id in processes.PROCESS_IDS:
        assert f"{process_id} version 1" in result.output
        assert [d.version for d in process_test.engine.queries.definitions(process_id)] == [1]


def test_oms_workflow_deploy_refuses_an_unknown_backend() -> None:
    # when
    result = CliRunner().invoke(app, ["workflow", "deploy", "--backend", "nowhere"])
    # then
    assert result.exit_code == 2
