"""Domain events: facts, named in the past tense (``QuoteSubmitted``), immutable."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DomainEvent:
    """Base of every event. Subclasses are frozen dataclasses holding plain values and ids,
    never aggregates, so the outbox can serialise them as they are."""

    @property
    def name(self) -> str:
        return type(self).__name__
