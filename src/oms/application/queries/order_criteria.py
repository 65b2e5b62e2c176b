"""Filters of the order lists (orders, cancellation requests, fallout cases). Paging is the shared
``PageRequest`` of ``criteria.py``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from oms.application.errors import ValidationFailed
from oms.domain.fallout.lifecycle import FalloutStatus
from oms.domain.order.cancellation import CancellationState
from oms.domain.order.lifecycle import OrderState

MAX_IDS = 200


@dataclass(frozen=True)
class OrderFilter:
    """Every given criterion must hold. The order date range is [order_date_from, order_date_to)."""

    ids: frozenset[str] = frozenset()
    states: frozenset[OrderState] = frozenset()
    order_date_from: datetime | None = None
    order_date_to: datetime | None = None
    external_id: str | None = None
    quote_id: str | None = None

    def __post_init__(self) -> None:
        if len(self.ids) > MAX_IDS:
            raise ValidationFailed(f"at most {MAX_IDS} ids per list", {"ids": len(self.ids)})
        for name in ("order_date_from", "order_date_to"):
            value = getattr(self, name)
            if value is not None and value.utcoffset() is None:
                raise ValidationFailed(f"{name} must carry a time zone", {name: value.isoformat()})
        start, end = self.order_date_from, self.order_date_to
        if start is not None and end is not None and end <= start:
            raise ValidationFailed("order_date_to must be after order_date_from")


@dataclass(frozen=True)
class CancellationFilter:
    order_id: str | None = None
    states: frozenset[CancellationState] = frozenset()


@dataclass(frozen=True)
class FalloutFilter:
    order_id: str | None = None
    statuses: frozenset[FalloutStatus] = frozenset()
    assignee: str | None = None
