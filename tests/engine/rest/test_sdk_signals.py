"""Signals through the official SDK over both transports: a broadcast starts the processes with a
matching signal start event and continues the instances waiting at a matching catch event."""

from __future__ import annotations

import pytest
from camunda_orchestration_sdk.models import (
    ProcessInstanceSearchQuery,
    ProcessInstanceSearchQueryFilter,
    ProcessInstanceStateEnum,
    SignalBroadcastRequest,
    SignalBroadcastRequestVariables,
    SignalBroadcastResult,
)
from rest_support import Api, deploy, start, unique

from oms.engine.testing.builder import process

pytestmark = pytest.mark.anyio


async def test_a_broadcast_signal_starts_and_continues_instances(api: Api) -> None:
    starter, catcher, signal = unique("rest-sig-start"), unique("rest-sig-catch"), unique("sig.go")
    async with api.sdk() as client:
        await deploy(client, process(starter).signal_start_event("started", name=signal).end_event().done())
        await deploy(
            client,
            process(catcher).start_event().intermediate_catch_signal("wait", name=signal).end_event().done(),
        )
        waiting = await start(client, catcher)
        broadcast = await client.broadcast_signal(
            data=SignalBroadcastRequest(
                signal_name=signal, variables=SignalBroadcastRequestVariables.from_dict({"go": True})
            )
        )
        continued = await client.get_process_instance(waiting.process_instance_key)
        started = await client.search_process_instances(
            data=ProcessInstanceSearchQuery(filter_=ProcessInstanceSearchQueryFilter(process_definition_id=starter))
        )
    assert isinstance(broadcast, SignalBroadcastResult)
    assert broadcast.signal_key.isdigit() and broadcast.tenant_id == "<default>"
    assert continued.state == ProcessInstanceStateEnum.COMPLETED
    assert [i.state for i in started.items] == [ProcessInstanceStateEnum.COMPLETED]


async def test_a_broadcast_without_a_signal_name_is_a_400_problem(api: Api) -> None:
    async with api.http() as http:
        response = await http.post("/signals/broadcast", json={"signalName": ""})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
