"""The product order's and the order item's states and the edges between them, exactly as drawn
in the TMF622 v4 lifecycles (shared/specs/lifecycles/tmf622-product-order.png and
tmf622-product-order-item.png).

Order edges of the picture:
    (start) -> acknowledged | rejected               (business consistency check)
    acknowledged -> inProgress                       (start order treatment)
    acknowledged -> pending, inProgress -> pending   (the process needs extra information)
    pending -> inProgress                            (extra information received)
    pending -> cancelled                             (extra information cannot be supplied)
    inProgress -> held                               (blocked due to an issue)
    held -> inProgress                               (issue is solved)
    held -> cancelled                                (issue cannot be solved)
    inProgress | pending | held -> assessingCancellation      (cancellation requested)
    assessingCancellation -> inProgress | pending | held      (cancellation denied: back where it was)
    assessingCancellation -> pendingCancellation -> cancelled (cancellation accepted)
    inProgress -> completed | failed | partial       (completely treated / failed / partially)
The item's picture is the same without ``partial``.

Not drawn, so not allowed: cancelling an ``acknowledged`` order (treatment starts first),
``held -> failed``, any edge out of rejected, completed, failed, partial or cancelled.

TMF has no state for an order being amended or in fallout; those are extension attributes
(``@oms.amendmentStatus``, ``@oms.falloutStatus``) beside the state, not states."""

from __future__ import annotations

from enum import StrEnum


class OrderState(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    REJECTED = "rejected"
    PENDING = "pending"
    HELD = "held"
    IN_PROGRESS = "inProgress"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    FAILED = "failed"
    PARTIAL = "partial"
    ASSESSING_CANCELLATION = "assessingCancellation"
    PENDING_CANCELLATION = "pendingCancellation"

    @property
    def is_final(self) -> bool:
        return self in FINAL_ORDER_STATES


class ItemState(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    REJECTED = "rejected"
    PENDING = "pending"
    HELD = "held"
    IN_PROGRESS = "inProgress"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    FAILED = "failed"
    ASSESSING_CANCELLATION = "assessingCancellation"
    PENDING_CANCELLATION = "pendingCancellation"

    @property
    def is_final(self) -> bool:
        return self in FINAL_ITEM_STATES


OS = OrderState
FINAL_ORDER_STATES = frozenset({OS.REJECTED, OS.CANCELLED, OS.COMPLETED, OS.FAILED, OS.PARTIAL})
INITIAL_ORDER_STATES = frozenset({OS.ACKNOWLEDGED, OS.REJECTED})

_COMMON_EDGES: frozenset[tuple[str, str]] = frozenset(
    {
        ("acknowledged", "inProgress"),
        ("acknowledged", "pending"),
        ("inProgress", "pending"),
        ("pending", "inProgress"),
        ("pending", "cancelled"),
        ("inProgress", "held"),
        ("held", "inProgress"),
        ("held", "cancelled"),
        ("inProgress", "assessingCancellation"),
        ("pending", "assessingCancellation"),
        ("held", "assessingCancellation"),
        ("assessingCancellation", "inProgress"),
        ("assessingCancellation", "pending"),
        ("assessingCancellation", "held"),
        ("assessingCancellation", "pendingCancellation"),
        ("pendingCancellation", "cancelled"),
        ("inProgress", "completed"),
        ("inProgress", "failed"),
    }
)

ORDER_EDGES: frozenset[tuple[OrderState, OrderState]] = frozenset(
    {(OS(a), OS(b)) for a, b in _COMMON_EDGES} | {(OS.IN_PROGRESS, OS.PARTIAL)}
)
ITEM_EDGES: frozenset[tuple[ItemState, ItemState]] = frozenset({(ItemState(a), ItemState(b)) for a, b in _COMMON_EDGES})

IS = ItemState
FINAL_ITEM_STATES = frozenset({IS.REJECTED, IS.CANCELLED, IS.COMPLETED, IS.FAILED})


class OrderAction(StrEnum):
    """The order's commands, as named in ``IllegalTransition`` and in the state table."""

    START = "start order treatment"
    REQUEST_INFORMATION = "ask for extra information"
    RECEIVE_INFORMATION = "record extra information received"
    RECORD_FALLOUT = "record a fallout"
    CLEAR_FALLOUT = "clear a fallout"
    CANCEL_UNSOLVABLE = "cancel as unsolvable"
    REQUEST_CANCELLATION = "request cancellation"
    DENY_CANCELLATION = "deny cancellation"
    ACCEPT_CANCELLATION = "accept cancellation"
    COMPLETE_CANCELLATION = "complete cancellation"
    FAIL_ITEM = "fail an item"
    CLOSE = "close"
    REQUEST_AMENDMENT = "request an amendment"
    CONCLUDE_AMENDMENT = "accept or refuse an amendment"
    APPLY_AMENDMENT = "apply an amendment"


_RUNNING = frozenset({OS.IN_PROGRESS, OS.PENDING, OS.HELD})
_OPEN = frozenset(s for s in OrderState if not s.is_final and s is not OS.ACKNOWLEDGED)

# From which states each command may start (the targets follow the edges above).
ORDER_ALLOWED_FROM: dict[OrderAction, frozenset[OrderState]] = {
    OrderAction.START: frozenset({OS.ACKNOWLEDGED}),
    OrderAction.REQUEST_INFORMATION: frozenset({OS.ACKNOWLEDGED, OS.IN_PROGRESS}),
    OrderAction.RECEIVE_INFORMATION: frozenset({OS.PENDING}),
    # A fallout holds a running order; in pending or during a cancellation it is only recorded.
    OrderAction.RECORD_FALLOUT: _OPEN,
    OrderAction.CLEAR_FALLOUT: _OPEN,
    OrderAction.CANCEL_UNSOLVABLE: frozenset({OS.HELD, OS.PENDING}),
    OrderAction.REQUEST_CANCELLATION: _RUNNING,
    OrderAction.DENY_CANCELLATION: frozenset({OS.ASSESSING_CANCELLATION}),
    OrderAction.ACCEPT_CANCELLATION: frozenset({OS.ASSESSING_CANCELLATION}),
    OrderAction.COMPLETE_CANCELLATION: frozenset({OS.PENDING_CANCELLATION}),
    OrderAction.FAIL_ITEM: frozenset({OS.IN_PROGRESS, OS.HELD}),
    OrderAction.CLOSE: frozenset({OS.IN_PROGRESS}),
    OrderAction.REQUEST_AMENDMENT: _RUNNING,
    # An amendment's outcome can always be recorded while the order lives (it may have moved on).
    OrderAction.CONCLUDE_AMENDMENT: _OPEN,
    OrderAction.APPLY_AMENDMENT: _RUNNING,
}


class AmendmentStatus(StrEnum):
    """Extension ``@oms.amendmentStatus``: the latest amendment request of the order."""

    ASSESSING = "assessing"
    ACCEPTED = "accepted"  # assessed, waiting to be applied
    APPLIED = "applied"
    REFUSED = "refused"

    @property
    def is_running(self) -> bool:
        return self in (AmendmentStatus.ASSESSING, AmendmentStatus.ACCEPTED)


class FalloutStatus(StrEnum):
    """Extension ``@oms.falloutStatus``: whether fallout cases are open on the order."""

    NONE = "none"
    IN_FALLOUT = "inFallout"
