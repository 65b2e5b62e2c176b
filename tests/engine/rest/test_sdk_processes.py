"""Deployments, process definitions and process instances through the official SDK, in-process and
over a socket: typed results (the SDK hands back raw dicts or raises when a required field is missing)."""

from __future__ import annotations

import anyio
import pytest
from camunda_orchestration_sdk.errors import ApiError, GatewayTimeoutError, NotFoundError
from camunda_orchestration_sdk.models import (
    CancelProcessInstanceRequest,
    JobCompletionRequest,
    JobCompletionRequestVariables,
    ProcessCreationById,
    ProcessCreationByKey,
    ProcessDefinitionResult,
    ProcessDefinitionSearchQuery,
    ProcessDefinitionSearchQueryFilter,
    ProcessDefinitionSearchQueryResult,
    ProcessInstanceCreationInstructionBaseVariables,
    ProcessInstanceResult,
    ProcessInstanceStateEnum,
    TopologyResponse,
)
from camunda_orchestration_sdk.semantic_types import ProcessDefinitionId, ProcessDefinitionKey, ProcessInstanceKey
from rest_support import Api, activate, deploy, one_task, start, unique

from oms.engine.testing.builder import process

pytestmark = pytest.mark.anyio


async def test_topology_and_status_answer_as_a_one_broker_cluster(api: Api) -> None:
    async with api.sdk() as client:
        topology = await client.get_topology()
        await client.get_status()  # 204: nothing to return, no error
    assert isinstance(topology, TopologyResponse)
    assert topology.cluster_size == 1 and topology.partitions_count == 1
    partition = topology.brokers[0].partitions[0]
    assert (partition.role.value, partition.health.value, partition.state.value) == ("leader", "healthy", "active")


async def test_deploying_a_process_returns_its_definition_and_redeploying_it_unchanged_keeps_the_version(
    api: Api,
) -> None:
    process_id = unique("rest-deploy")
    xml = one_task(process_id, unique("job"))
    async with api.sdk() as client:
        first = await deploy(client, xml, "order.bpmn")
        again = await deploy(client, xml, "order.bpmn")
        changed = await deploy(client, one_task(process_id, unique("job")), "order.bpmn")
        definition = await client.get_process_definition(first.process_definition_key)
        stored_xml = await client.get_process_definition_xml(first.process_definition_key)
    assert (first.process_definition_id, first.process_definition_version, first.resource_name) == (
        process_id,
        1,
        "order.bpmn",
    )
    assert first.process_definition_key.isdigit()
    assert (again.process_definition_key, again.process_definition_version) == (first.process_definition_key, 1)
    assert changed.process_definition_version == 2
    assert isinstance(definition, ProcessDefinitionResult)
    assert (definition.process_definition_id, definition.version, definition.resource_name) == (
        process_id,
        1,
        "order.bpmn",
    )
    assert stored_xml.encode() == xml


async def test_process_definitions_can_be_searched_for_the_latest_version(api: Api) -> None:
    process_id = unique("rest-latest")
    async with api.sdk() as client:
        await deploy(client, one_task(process_id, "a"))
        latest = await deploy(client, one_task(process_id, "b"))
        found = await client.search_process_definitions(
            data=ProcessDefinitionSearchQuery(
                filter_=ProcessDefinitionSearchQueryFilter(
                    process_definition_id=ProcessDefinitionId(process_id), is_latest_version=True
                )
            )
        )
    assert isinstance(found, ProcessDefinitionSearchQueryResult)
    assert [(d.process_definition_key, d.version) for d in found.items] == [(latest.process_definition_key, 2)]
    assert found.page.total_items == 1


async def test_an_instance_is_created_by_process_id_or_by_definition_key_without_awaiting_it(api: Api) -> None:
    process_id = unique("rest-create")
    async with api.sdk() as client:
        deployed = await deploy(client, one_task(process_id, unique("job")))
        by_id = await start(client, process_id, {"orderId": "o-1"})
        by_key = await client.create_process_instance(
            data=ProcessCreationByKey(process_definition_key=deployed.process_definition_key)
        )
        instance = await client.get_process_instance(by_id.process_instance_key)
    assert by_id.process_definition_key == deployed.process_definition_key == by_key.process_definition_key
    assert by_id.variables.to_dict() == {}  # only an awaited creation returns variables
    assert (by_id.process_definition_version, by_id.tenant_id, by_id.tags) == (1, "<default>", [])
    assert by_id.process_instance_key != by_key.process_instance_key
    assert isinstance(instance, ProcessInstanceResult)
    assert instance.state == ProcessInstanceStateEnum.ACTIVE
    assert (instance.process_definition_id, instance.has_incident, instance.end_date) == (process_id, False, None)


async def test_awaiting_completion_returns_the_requested_variables_of_the_completed_instance(api: Api) -> None:
    process_id = unique("rest-await")
    xml = (
        process(process_id)
        .start_event()
        .script_task("sum", expression="=a + b", result_variable="total")
        .end_event()
        .done()
    )
    async with api.sdk() as client:
        await deploy(client, xml)
        created = await client.create_process_instance(
            data=ProcessCreationById(
                process_definition_id=ProcessDefinitionId(process_id),
                variables=ProcessInstanceCreationInstructionBaseVariables.from_dict({"a": 2, "b": 3, "secret": "x"}),
                await_completion=True,
                fetch_variables=["total", "a"],
                request_timeout=10_000,
            )
        )
        instance = await client.get_process_instance(created.process_instance_key)
    assert created.variables.to_dict() == {"total": 5, "a": 2}
    assert instance.state == ProcessInstanceStateEnum.COMPLETED


async def test_awaiting_completion_waits_for_a_worker_to_finish_the_instance(api: Api) -> None:
    process_id, job_type = unique("rest-await-job"), unique("job")
    results: list[object] = []
    async with api.sdk() as client:
        await deploy(client, one_task(process_id, job_type))

        async def create() -> None:
            results.append(
                await client.create_process_instance(
                    data=ProcessCreationById(
                        process_definition_id=ProcessDefinitionId(process_id),
                        await_completion=True,
                        request_timeout=20_000,
                    )
                )
            )

        async with anyio.create_task_group() as group:
            group.start_soon(create)
            (job,) = await activate(client, job_type, wait_ms=10_000)
            await client.complete_job(job.job_key, data=_completion({"done": True}))
    (created,) = results
    assert created.variables.to_dict() == {"done": True}  # type: ignore[attr-defined]


async def test_awaiting_an_instance_that_does_not_complete_in_time_fails_with_504(api: Api) -> None:
    process_id = unique("rest-await-timeout")
    async with api.sdk() as client:
        await deploy(client, one_task(process_id, unique("nobody")))
        with pytest.raises(GatewayTimeoutError) as raised:
            await client.create_process_instance(
                data=ProcessCreationById(
                    process_definition_id=ProcessDefinitionId(process_id), await_completion=True, request_timeout=200
                )
            )
    assert raised.value.status_code == 504


async def test_cancelling_terminates_the_instance_and_a_second_cancellation_is_not_found(api: Api) -> None:
    process_id = unique("rest-cancel")
    async with api.sdk() as client:
        await deploy(client, one_task(process_id, unique("job")))
        created = await start(client, process_id)
        await client.cancel_process_instance(created.process_instance_key, data=CancelProcessInstanceRequest())
        instance = await client.get_process_instance(created.process_instance_key)
        with pytest.raises(NotFoundError):
            await client.cancel_process_instance(created.process_instance_key, data=CancelProcessInstanceRequest())
    assert instance.state == ProcessInstanceStateEnum.TERMINATED
    assert instance.end_date is not None


async def test_unknown_process_ids_and_keys_are_not_found(api: Api) -> None:
    async with api.sdk() as client:
        # Camunda answers 404 here although the spec lists no 404 for this operation: the SDK
        # raises its generic UnexpectedStatus (an ApiError) then.
        with pytest.raises(ApiError) as raised:
            await client.create_process_instance(
                data=ProcessCreationById(process_definition_id=ProcessDefinitionId(unique("missing")))
            )
        assert raised.value.status_code == 404
        with pytest.raises(NotFoundError):
            await client.get_process_instance(ProcessInstanceKey("2251799813600001"))
        with pytest.raises(NotFoundError):
            await client.get_process_definition(ProcessDefinitionKey("2251799813600001"))


def _completion(variables: dict[str, object]) -> JobCompletionRequest:
    return JobCompletionRequest(variables=JobCompletionRequestVariables.from_dict(variables))
