from __future__ import annotations

from collections.abc import Sequence

from oms.domain.shared.errors import DomainError


class UnknownOrderItem(DomainError):
    code = "unknownOrderItem"

    def __init__(self, order_id: str, item_id: str) -> None:
        super().__init__(f"order {order_id!r} has no item {item_id!r}", order_id=order_id, item_id=item_id)


class WrongOrder(DomainError):
    """A plan, request or case of another order was passed."""

    code = "wrongOrder"

    def __init__(self, order_id: str, what: str, other_order_id: str) -> None:
        super().__init__(
            f"order {order_id!r}: the {what} belongs to order {other_order_id!r}",
            order_id=order_id,
            what=what,
            other_order_id=other_order_id,
        )


class StaleRequest(DomainError):
    """The command names another request than the one the order is busy with."""

    code = "staleRequest"

    def __init__(self, order_id: str, kind: str, expected: str | None, given: str) -> None:
        super().__init__(
            f"order {order_id!r} is on {kind} request {expected!r}, not {given!r}",
            order_id=order_id,
            kind=kind,
            expected=expected,
            given=given,
        )


class CompensationRequired(DomainError):
    """Cancelling without a cancellation request would leave done work in place."""

    code = "compensationRequired"

    def __init__(self, order_id: str, task_ids: Sequence[str]) -> None:
        super().__init__(
            f"order {order_id!r}: tasks {', '.join(task_ids)} must be undone; request a cancellation",
            order_id=order_id,
            task_ids=list(task_ids),
        )


class TasksInFlight(DomainError):
    code = "tasksInFlight"

    def __init__(self, order_id: str, item_id: str, task_ids: Sequence[str]) -> None:
        super().__init__(
            f"order {order_id!r}: item {item_id!r} still has tasks running: {', '.join(task_ids)}",
            order_id=order_id,
            item_id=item_id,
            task_ids=list(task_ids),
        )


class AmendmentInProgress(DomainError):
    code = "amendmentInProgress"

    def __init__(self, order_id: str, request_id: str) -> None:
        super().__init__(
            f"order {order_id!r} is already being amended by {request_id!r}", order_id=order_id, request_id=request_id
        )


class UseSupplementalOrder(DomainError):
    """A completed order is not amended: a supplemental order changes what it delivered."""

    code = "useSupplementalOrder"

    def __init__(self, order_id: str, state: str) -> None:
        super().__init__(
            f"order {order_id!r} is {state}; place a supplemental order instead", order_id=order_id, state=state
        )


class OrderNotSupplementable(DomainError):
    code = "orderNotSupplementable"

    def __init__(self, order_id: str, state: str) -> None:
        super().__init__(
            f"order {order_id!r} is {state}; only a completed order can be supplemented",
            order_id=order_id,
            state=state,
        )
