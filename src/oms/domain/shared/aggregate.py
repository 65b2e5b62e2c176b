"""What every aggregate root has: an optimistic-locking version and the events it raised.

One small base class rather than a mixin stack: it only holds the event list and the version."""

from __future__ import annotations

from oms.domain.shared.events import DomainEvent


class AggregateRoot:
    """``version`` counts the changes: each successful command increments it once. Persistence
    saves with ``WHERE version = <version it loaded>`` so concurrent writers cannot both win."""

    def __init__(self, version: int) -> None:
        self.version = version
        self._events: list[DomainEvent] = []

    def _raise_event(self, event: DomainEvent) -> None:
        self._events.append(event)

    def _changed(self) -> None:
        self.version += 1

    def pull_events(self) -> list[DomainEvent]:
        """Hand the raised events to the caller (the unit of work) and forget them."""
        events, self._events = self._events, []
        return events

    @property
    def pending_events(self) -> tuple[DomainEvent, ...]:
        return tuple(self._events)
