"""Filters and paging for lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from oms.application.errors import ValidationFailed
from oms.domain.quote.lifecycle import QuoteState

MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class PageRequest:
    offset: int = 0
    limit: int = 20

    def __post_init__(self) -> None:
        if self.offset < 0:
            raise ValidationFailed("offset must not be negative", {"offset": self.offset})
        if not 1 <= self.limit <= MAX_PAGE_SIZE:
            raise ValidationFailed(f"limit must be between 1 and {MAX_PAGE_SIZE}", {"limit": self.limit})


@dataclass(frozen=True)
class QuoteFilter:
    """Every given criterion must hold. The creation range is [created_from, created_to)."""

    states: frozenset[QuoteState] = frozenset()
    customer_id: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None

    def __post_init__(self) -> None:
        for name in ("created_from", "created_to"):
            value = getattr(self, name)
            if value is not None and value.utcoffset() is None:
                raise ValidationFailed(f"{name} must carry a time zone", {name: value.isoformat()})
        if self.created_from is not None and self.created_to is not None and self.created_to <= self.created_from:
            raise ValidationFailed("created_to must be after created_from")
