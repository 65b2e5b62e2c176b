"""The engine clock through the official SDK over both transports: ``PUT /v2/clock`` pins it,
``POST /v2/clock/reset`` hands it back, and the SDK's ``EngineClock`` moves it to fire timers."""

from __future__ import annotations

import time

import pytest
from camunda_orchestration_sdk.models import ClockPinRequest, ProcessInstanceStateEnum
from camunda_orchestration_sdk.runtime.clock import EngineClock
from rest_support import Api, deploy, epoch_ms_in, eventually, start, unique, waits_for_timer

pytestmark = pytest.mark.anyio


async def test_the_sdk_engine_clock_fires_a_one_hour_timer_without_waiting_an_hour(api: Api) -> None:
    process_id = unique("rest-timer")
    async with api.sdk() as driver, api.sdk() as client:
        await deploy(client, waits_for_timer(process_id, "PT1H"))
        async with EngineClock(driver) as clock:  # pins on entry, resets on exit
            created = await start(client, process_id)
            waiting = await client.get_process_instance(created.process_instance_key)
            await clock.sleep(3601)

            async def completed() -> bool:
                instance = await client.get_process_instance(created.process_instance_key)
                return instance.state == ProcessInstanceStateEnum.COMPLETED

            assert await eventually(completed)
    assert waiting.state == ProcessInstanceStateEnum.ACTIVE


async def test_a_pinned_clock_stamps_what_happens_and_a_reset_returns_to_real_time(api: Api) -> None:
    process_id = unique("rest-pin")
    pinned_ms = epoch_ms_in(-86_400)  # a day ago: the instance's start date shows it
    async with api.sdk() as client:
        await deploy(client, waits_for_timer(process_id, "PT1H"))
        await client.pin_clock(data=ClockPinRequest(timestamp=pinned_ms))
        at_pin = await start(client, process_id)
        await client.reset_clock()
        after_reset = await start(client, process_id)
        first = await client.get_process_instance(at_pin.process_instance_key)
        second = await client.get_process_instance(after_reset.process_instance_key)
    assert int(first.start_date.timestamp() * 1000) == pinned_ms
    assert abs(second.start_date.timestamp() - time.time()) < 60
