"""What the repositories of one unit of work share: the connection (in its transaction), the
tenant, the actor, the transaction's time, and the aggregates they have seen, whose events the
unit of work moves to the outbox at commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import psycopg

from oms.domain.shared.aggregate import AggregateRoot


@dataclass
class Seen:
    aggregate_type: str
    aggregate_id: str
    aggregate: AggregateRoot
    stored_version: int  # the version the database holds for it now


@dataclass
class Session:
    conn: psycopg.Connection[Any]
    tenant_id: str
    actor_id: str
    now: datetime
    seen: dict[tuple[str, str], Seen] = field(default_factory=dict)

    def track(self, aggregate_type: str, aggregate_id: str, aggregate: AggregateRoot) -> None:
        """Called after a load or a write: the database now holds ``aggregate.version``."""
        self.seen[(aggregate_type, aggregate_id)] = Seen(aggregate_type, aggregate_id, aggregate, aggregate.version)

    def stored_version(self, aggregate_type: str, aggregate_id: str) -> int | None:
        entry = self.seen.get((aggregate_type, aggregate_id))
        return None if entry is None else entry.stored_version


def utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)
