"""Domain events as outbox messages. The unit of work turns every event the command's aggregates
raised into one message, written in the command's transaction; a relay (later work) publishes
them to Kafka after commit, so an event is published if and only if its change committed."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from oms.domain.shared.events import DomainEvent
from oms.domain.shared.money import Money

Json = dict[str, Any]


@dataclass(frozen=True)
class OutboxMessage:
    aggregate_type: str
    aggregate_id: str
    event_type: str
    payload: Json
    occurred_at: datetime


def to_outbox_message(event: DomainEvent, aggregate_type: str, aggregate_id: str, now: datetime) -> OutboxMessage:
    occurred_at = getattr(event, "occurred_at", None)
    return OutboxMessage(
        aggregate_type=aggregate_type,
        aggregate_id=aggregate_id,
        event_type=event.name,
        payload=event_payload(event),
        occurred_at=occurred_at if isinstance(occurred_at, datetime) else now,
    )


def event_payload(event: DomainEvent) -> Json:
    """The event's fields, camelCased, as JSON values (no floats: amounts and decimals as strings)."""
    return {_camel(field.name): _json_value(getattr(event, field.name)) for field in dataclasses.fields(event)}


def _json_value(value: object) -> Any:
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Money):
        return value.to_dict()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_json_value(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _json_value(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # Plain values nested in an event (an order's header, its totals, rejection reasons).
        return {_camel(f.name): _json_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    raise TypeError(f"cannot put a {type(value).__name__} into an event payload")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)
