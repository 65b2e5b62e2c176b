"""Messages through the official SDK over both transports: publication (with a time to live and a
message id), correlation now-or-404, and the subscriptions the instances open."""

from __future__ import annotations

import pytest
from camunda_orchestration_sdk.errors import ApiError, NotFoundError
from camunda_orchestration_sdk.models import (
    ClockPinRequest,
    MessageCorrelationRequest,
    MessageCorrelationRequestVariables,
    MessageCorrelationResult,
    MessagePublicationRequest,
    MessagePublicationResult,
    MessageSubscriptionResult,
    MessageSubscriptionSearchQuery,
    MessageSubscriptionSearchQueryFilter,
    ProcessInstanceStateEnum,
    VariableSearchQuery,
    VariableSearchQueryFilter,
)
from rest_support import Api, deploy, epoch_ms_in, eventually, start, unique, waits_for_message

pytestmark = pytest.mark.anyio


async def test_a_message_published_with_a_time_to_live_waits_for_the_instance_that_subscribes_later(
    api: Api,
) -> None:
    process_id, message = unique("rest-ttl"), unique("msg.paid")
    async with api.sdk() as client:
        await deploy(client, waits_for_message(process_id, message))
        published = await client.publish_message(
            data=MessagePublicationRequest(
                name=message, correlation_key="o-1", time_to_live=60_000, message_id=unique("id")
            )
        )
        created = await start(client, process_id, {"orderId": "o-1"})
        instance = await client.get_process_instance(created.process_instance_key)
    assert isinstance(published, MessagePublicationResult)
    assert published.message_key.isdigit() and published.tenant_id == "<default>"
    assert instance.state == ProcessInstanceStateEnum.COMPLETED


async def test_a_message_id_that_is_still_buffered_cannot_be_published_again(api: Api) -> None:
    message, message_id = unique("msg.dup"), unique("id")
    request = MessagePublicationRequest(name=message, correlation_key="k", time_to_live=60_000, message_id=message_id)
    async with api.sdk() as client:
        await client.publish_message(data=request)
        # 409 ALREADY_EXISTS as Camunda answers; the spec lists no 409 here, so the SDK raises its
        # generic UnexpectedStatus (an ApiError).
        with pytest.raises(ApiError) as raised:
            await client.publish_message(data=request)
    assert raised.value.status_code == 409
    assert b"ALREADY_EXISTS" in raised.value.content


async def test_a_buffered_message_expires_when_the_clock_passes_its_time_to_live(api: Api) -> None:
    process_id, message = unique("rest-expire"), unique("msg.late")
    async with api.sdk() as client:
        await deploy(client, waits_for_message(process_id, message))
        await client.publish_message(
            data=MessagePublicationRequest(name=message, correlation_key="o-1", time_to_live=10_000)
        )
        await client.pin_clock(data=ClockPinRequest(timestamp=epoch_ms_in(11)))
        created = await start(client, process_id, {"orderId": "o-1"})
        instance = await client.get_process_instance(created.process_instance_key)
    assert instance.state == ProcessInstanceStateEnum.ACTIVE


async def test_correlating_a_message_hands_it_to_the_waiting_instance_and_names_it(api: Api) -> None:
    process_id, message = unique("rest-correlate"), unique("msg.ship")
    async with api.sdk() as client:
        await deploy(client, waits_for_message(process_id, message))
        created = await start(client, process_id, {"orderId": "o-7"})
        subscriptions = await client.search_message_subscriptions(
            data=MessageSubscriptionSearchQuery(
                filter_=MessageSubscriptionSearchQueryFilter(process_instance_key=created.process_instance_key)
            )
        )
        correlated = await client.correlate_message(
            data=MessageCorrelationRequest(
                name=message,
                correlation_key="o-7",
                variables=MessageCorrelationRequestVariables.from_dict({"carrier": "dhl"}),
            )
        )
        instance = await client.get_process_instance(created.process_instance_key)
        after = await client.search_message_subscriptions(
            data=MessageSubscriptionSearchQuery(
                filter_=MessageSubscriptionSearchQueryFilter(process_instance_key=created.process_instance_key)
            )
        )
        variables = await client.search_variables(
            data=VariableSearchQuery(
                filter_=VariableSearchQueryFilter(process_instance_key=created.process_instance_key, name="carrier")
            )
        )
    (subscription,) = subscriptions.items
    assert isinstance(subscription, MessageSubscriptionResult)
    assert (subscription.message_name, subscription.correlation_key, subscription.element_id) == (
        message,
        "o-7",
        "wait",
    )
    assert subscription.message_subscription_state.value == "CREATED"
    assert isinstance(correlated, MessageCorrelationResult)
    assert correlated.process_instance_key == created.process_instance_key
    assert instance.state == ProcessInstanceStateEnum.COMPLETED
    assert [s.message_subscription_state.value for s in after.items] == ["CORRELATED"]
    assert [v.value for v in variables.items] == ['"dhl"']


async def test_correlating_a_message_nobody_waits_for_fails_with_404_and_buffers_nothing(api: Api) -> None:
    process_id, message = unique("rest-nobody"), unique("msg.lost")
    async with api.sdk() as client:
        await deploy(client, waits_for_message(process_id, message))
        with pytest.raises(NotFoundError) as raised:
            await client.correlate_message(data=MessageCorrelationRequest(name=message, correlation_key="o-1"))
        created = await start(client, process_id, {"orderId": "o-1"})
        instance = await eventually(lambda: client.get_process_instance(created.process_instance_key))
    assert raised.value.parsed.title == "NOT_FOUND"  # type: ignore[union-attr]
    assert instance.state == ProcessInstanceStateEnum.ACTIVE
