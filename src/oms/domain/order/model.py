"""The ProductOrder aggregate (TMF622 v4). States and edges: ``lifecycle.py``; the consistency
check at creation: ``consistency.py``; cancellation and amendment requests: their own modules,
which drive the order through the commands below.

Order-level moves carry the items along on their own picture's edges. One rule reconciles fallout
with the state after every command (``_settle``): a running order with an open fallout case is
``held`` (TMF: "blocked due to an issue"), and leaves ``held`` when the last case is cleared."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from oms.domain.approval.authorization import Permission, require
from oms.domain.fallout.events import FalloutCaseId
from oms.domain.fulfillment.compensation import tasks_to_compensate
from oms.domain.fulfillment.plan import FulfillmentPlan, PlanPurpose
from oms.domain.fulfillment.rules import DecompositionItem, RuleSet
from oms.domain.fulfillment.tasks import TaskId, TaskState
from oms.domain.order import events
from oms.domain.order.authorization import (
    can_place_order,
    can_progress_order,
    can_request_amendment,
    can_request_cancellation,
    can_supply_information,
)
from oms.domain.order.consistency import (
    CheckedItem,
    OrderingFacts,
    RejectionReason,
    check_consistency,
    order_breakdown,
)
from oms.domain.order.errors import (
    AmendmentInProgress,
    CompensationRequired,
    StaleRequest,
    TasksInFlight,
    UnknownOrderItem,
    UseSupplementalOrder,
    WrongOrder,
)
from oms.domain.order.items import ProductOrderItem
from oms.domain.order.keys import AmendmentRequestId, CancellationRequestId
from oms.domain.order.lifecycle import (
    ITEM_EDGES,
    ORDER_ALLOWED_FROM,
    ORDER_EDGES,
    AmendmentStatus,
    FalloutStatus,
    ItemState,
    OrderAction,
    OrderState,
)
from oms.domain.order.request import OrderHeader, OrderRequest
from oms.domain.order.transitions import (
    ASSESSABLE,
    TO_CANCELLED,
    FalloutHold,
    ItemMove,
    amended_items,
    moves_from,
    resume_move,
    walk_item,
    with_realized_product,
)
from oms.domain.pricing.model import ChargeTotals, PriceLine
from oms.domain.shared.actors import Actor
from oms.domain.shared.aggregate import AggregateRoot
from oms.domain.shared.errors import IllegalTransition
from oms.domain.shared.ids import OrderId, OrderItemId
from oms.domain.shared.time import require_utc

IS, OS = ItemState, OrderState


class ProductOrder(AggregateRoot):
    def __init__(
        self,
        *,
        id: OrderId,
        state: OrderState,
        items: Sequence[ProductOrderItem],
        order_date: datetime,
        header: OrderHeader = OrderHeader(),
        currency: str | None = None,
        order_lines: Sequence[PriceLine] = (),
        rejection_reasons: Sequence[RejectionReason] = (),
        completion_date: datetime | None = None,
        cancellation_date: datetime | None = None,
        cancellation_reason: str | None = None,
        resume_state: OrderState | None = None,
        fallout_holds: Sequence[FalloutHold] = (),
        amendment_status: AmendmentStatus | None = None,
        amendment_request_id: AmendmentRequestId | None = None,
        cancellation_request_id: CancellationRequestId | None = None,
        supplements_order_id: OrderId | None = None,
        version: int = 0,
    ) -> None:
        """Rebuild an order as stored; ``place`` makes a new one."""
        super().__init__(version)
        self.id = id
        self.state = state
        self.items = tuple(items)
        self.order_date = order_date
        self.header = header
        self.currency = currency
        self.order_lines = tuple(order_lines)  # quote-level lines (the manual quote discount)
        self.rejection_reasons = tuple(rejection_reasons)
        self.completion_date = completion_date
        self.cancellation_date = cancellation_date
        self.cancellation_reason = cancellation_reason
        self.resume_state = resume_state  # where a denied cancellation takes the order back to
        self.fallout_holds = tuple(fallout_holds)
        self.amendment_status = amendment_status
        self.amendment_request_id = amendment_request_id
        self.cancellation_request_id = cancellation_request_id
        self.supplements_order_id = supplements_order_id  # extension @oms.supplementsOrder

    @classmethod
    def place(
        cls,
        actor: Actor,
        *,
        order_id: OrderId,
        request: OrderRequest,
        facts: OrderingFacts,
        rules: RuleSet,
        now: datetime,
        supplements_order_id: OrderId | None = None,
    ) -> ProductOrder:
        """Check the request and create the order ``acknowledged``, or ``rejected`` with reasons."""
        require(can_place_order(actor), actor, "place an order")
        require_utc(now, "now")
        result = check_consistency(request, facts, rules)
        item_state = IS.ACKNOWLEDGED if result.consistent else IS.REJECTED
        breakdown = order_breakdown(request, facts)
        order = cls(
            id=order_id,
            state=OS.ACKNOWLEDGED if result.consistent else OS.REJECTED,
            items=tuple(checked.to_item(item_state) for checked in result.items),
            order_date=now,
            header=OrderHeader.of(request),
            currency=None if breakdown is None else breakdown.currency,
            order_lines=() if breakdown is None else breakdown.quote_lines,
            rejection_reasons=result.reasons,
            supplements_order_id=supplements_order_id,
        )
        item_ids = tuple(item.item_id for item in order.items)
        order._raise_event(
            events.ProductOrderCreated(
                order_id, item_ids, order.header, order.totals, supplements_order_id, actor.id, now
            )
            if result.consistent
            else events.ProductOrderRejected(order_id, result.reasons, actor.id, now)
        )
        return order

    # -- reading --------------------------------------------------------------------------------

    def item(self, item_id: OrderItemId) -> ProductOrderItem:
        for item in self.items:
            if item.item_id == item_id:
                return item
        raise UnknownOrderItem(self.id, item_id)

    @property
    def totals(self) -> ChargeTotals | None:
        """orderTotalPrice: every item's own lines plus the order-level lines."""
        if self.currency is None:
            return None
        lines = [line for item in self.items if item.price is not None for line in item.price.lines]
        return ChargeTotals.of_lines((*lines, *self.order_lines), self.currency)

    @property
    def fallout_status(self) -> FalloutStatus:
        return FalloutStatus.IN_FALLOUT if self.fallout_holds else FalloutStatus.NONE

    def decomposition_items(self) -> tuple[DecompositionItem, ...]:
        """What fulfillment must deliver: items not rejected, removed, cancelled or failed."""
        gone = (IS.REJECTED, IS.CANCELLED, IS.PENDING_CANCELLATION, IS.FAILED)
        return tuple(item.decomposition_item() for item in self.items if item.state not in gone)

    # -- treatment ------------------------------------------------------------------------------

    def start_treatment(self, actor: Actor, *, now: datetime) -> None:
        self._check(can_progress_order(actor), actor, OrderAction.START, now)
        self._transition(OS.IN_PROGRESS, "start order treatment", now, moves_from({IS.ACKNOWLEDGED: IS.IN_PROGRESS}))
        self._changed()

    def request_information(self, actor: Actor, *, reason: str, now: datetime) -> None:
        self._check(can_progress_order(actor), actor, OrderAction.REQUEST_INFORMATION, now)
        self._transition(OS.PENDING, reason, now, moves_from({IS.ACKNOWLEDGED: IS.PENDING, IS.IN_PROGRESS: IS.PENDING}))
        self._changed()

    def record_information_received(self, actor: Actor, *, now: datetime) -> None:
        self._check(can_supply_information(actor), actor, OrderAction.RECEIVE_INFORMATION, now)
        self._transition(OS.IN_PROGRESS, "extra information received", now, moves_from({IS.PENDING: IS.IN_PROGRESS}))
        self._settle(now)
        self._changed()

    def record_fallout(self, actor: Actor, *, case_id: FalloutCaseId, item_id: OrderItemId, now: datetime) -> None:
        """A task of ``item_id`` fell out; a running order is held until the case is cleared.
        Recording the same case twice changes nothing (redelivered jobs)."""
        self._check(can_progress_order(actor), actor, OrderAction.RECORD_FALLOUT, now)
        self.item(item_id)
        if any(hold.case_id == case_id for hold in self.fallout_holds):
            return
        self.fallout_holds = (*self.fallout_holds, FalloutHold(case_id, item_id))
        self._raise_event(events.ProductOrderFalloutRecorded(self.id, case_id, item_id, now))
        self._settle(now)
        self._changed()

    def clear_fallout(self, actor: Actor, *, case_id: FalloutCaseId, now: datetime) -> None:
        """The case was resolved or withdrawn ("issue is solved" once no case is left)."""
        self._check(can_progress_order(actor), actor, OrderAction.CLEAR_FALLOUT, now)
        if not any(hold.case_id == case_id for hold in self.fallout_holds):
            return
        self.fallout_holds = tuple(hold for hold in self.fallout_holds if hold.case_id != case_id)
        self._raise_event(events.ProductOrderFalloutCleared(self.id, case_id, now))
        self._settle(now)
        self._changed()

    def fail_item(
        self, actor: Actor, *, item_id: OrderItemId, reason: str, plan: FulfillmentPlan, now: datetime
    ) -> tuple[TaskId, ...]:
        """Give up on one item; its open tasks are skipped so the rest of the order can close
        (as ``partial``). Returns the skipped tasks."""
        self._check(can_progress_order(actor), actor, OrderAction.FAIL_ITEM, now)
        self._own(plan)
        item = self.item(item_id)
        if (item.state, IS.FAILED) not in ITEM_EDGES:
            raise IllegalTransition("ProductOrderItem", item_id, item.state, OrderAction.FAIL_ITEM)
        tasks = plan.tasks_of_item(item_id)
        running = [task.id for task in tasks if task.state is TaskState.IN_PROGRESS]
        if running:
            raise TasksInFlight(self.id, item_id, running)
        skipped = tuple(task.id for task in tasks if task.state in (TaskState.PENDING, TaskState.FAILED))
        for task_id in skipped:
            plan.skip_task(actor, task_id, reason=f"item failed: {reason}", now=now)
        self._set_item(replace(item, state=IS.FAILED), reason, now)
        self._changed()
        return skipped

    def close(self, actor: Actor, *, plan: FulfillmentPlan, now: datetime) -> OrderState:
        """Every task is completed or skipped: completed, or partial / failed when items failed."""
        self._check(can_progress_order(actor), actor, OrderAction.CLOSE, now)
        self._own(plan)
        plan.require_closable()
        completing = [item for item in self.items if item.state is IS.IN_PROGRESS]
        failed = [item for item in self.items if item.state is IS.FAILED]
        target = OS.PARTIAL if completing and failed else OS.FAILED if failed else OS.COMPLETED
        self._transition(
            target,
            "order treated",
            now,
            moves_from({IS.IN_PROGRESS: IS.COMPLETED}, {IS.PENDING_CANCELLATION: IS.CANCELLED}),
        )
        self.items = tuple(with_realized_product(self.id, item) for item in self.items)
        self.completion_date = now
        self._changed()
        return target

    # -- cancellation (driven by oms.domain.order.cancellation) ---------------------------------

    def cancel_unsolvable(self, actor: Actor, *, reason: str, plan: FulfillmentPlan, now: datetime) -> None:
        """ "Issue cannot be solved" (held) or "extra information cannot be supplied" (pending):
        only when nothing done needs undoing; otherwise a cancellation request compensates."""
        self._check(can_progress_order(actor), actor, OrderAction.CANCEL_UNSOLVABLE, now)
        self._own(plan)
        to_undo = tasks_to_compensate(plan.tasks)
        if to_undo:
            raise CompensationRequired(self.id, [task.id for task in to_undo])
        # A running item reaches cancelled through held, the order's issue blocking it too.
        self._transition(OS.CANCELLED, reason, now, moves_from({IS.IN_PROGRESS: (IS.HELD, IS.CANCELLED)}, TO_CANCELLED))
        self._cancelled(reason, now)

    def request_cancellation(
        self, actor: Actor, *, request_id: CancellationRequestId, reason: str, now: datetime
    ) -> None:
        self._check(can_request_cancellation(actor), actor, OrderAction.REQUEST_CANCELLATION, now)
        self.resume_state = self.state
        self.cancellation_request_id = request_id
        self.items = tuple(
            replace(item, resume_state=item.state) if item.state in ASSESSABLE else item for item in self.items
        )
        self._transition(
            OS.ASSESSING_CANCELLATION, reason, now, moves_from(dict.fromkeys(ASSESSABLE, IS.ASSESSING_CANCELLATION))
        )
        self._raise_event(events.ProductOrderCancellationRequested(self.id, request_id, reason, actor.id, now))
        self._changed()

    def deny_cancellation(self, actor: Actor, *, request_id: CancellationRequestId, reason: str, now: datetime) -> None:
        self._check(can_progress_order(actor), actor, OrderAction.DENY_CANCELLATION, now)
        self._same_cancellation(request_id)
        back = self.resume_state or OS.IN_PROGRESS
        self._transition(back, reason, now, resume_move)
        self.items = tuple(replace(item, resume_state=None) for item in self.items)
        self.resume_state = None
        self._settle(now)
        self._changed()

    def accept_cancellation(self, actor: Actor, *, request_id: CancellationRequestId, now: datetime) -> None:
        self._check(can_progress_order(actor), actor, OrderAction.ACCEPT_CANCELLATION, now)
        self._same_cancellation(request_id)
        self._transition(
            OS.PENDING_CANCELLATION,
            "cancellation accepted",
            now,
            moves_from({IS.ASSESSING_CANCELLATION: IS.PENDING_CANCELLATION}),
        )
        self.resume_state = None
        self._changed()

    def complete_cancellation(
        self, actor: Actor, *, request_id: CancellationRequestId, reason: str, now: datetime
    ) -> None:
        self._check(can_progress_order(actor), actor, OrderAction.COMPLETE_CANCELLATION, now)
        self._same_cancellation(request_id)
        self._transition(OS.CANCELLED, reason, now, moves_from({IS.PENDING_CANCELLATION: IS.CANCELLED}))
        self._cancelled(reason, now)

    # -- amendment (driven by oms.domain.order.amendment) ---------------------------------------

    def begin_amendment(self, actor: Actor, *, request_id: AmendmentRequestId, now: datetime) -> None:
        if self.state is OS.COMPLETED:
            raise UseSupplementalOrder(self.id, self.state)
        self._check(can_request_amendment(actor), actor, OrderAction.REQUEST_AMENDMENT, now)
        if self.amendment_status is not None and self.amendment_status.is_running:
            raise AmendmentInProgress(self.id, self.amendment_request_id or "")
        self.amendment_status = AmendmentStatus.ASSESSING
        self.amendment_request_id = request_id
        self._raise_event(events.ProductOrderAmendmentRequested(self.id, request_id, actor.id, now))
        self._changed()

    def conclude_amendment(
        self, actor: Actor, *, request_id: AmendmentRequestId, accepted: bool, reasons: Sequence[str], now: datetime
    ) -> None:
        self._check(can_progress_order(actor), actor, OrderAction.CONCLUDE_AMENDMENT, now)
        # Refusal is possible after acceptance too: applying re-checks against the plan of the moment.
        allowed = (AmendmentStatus.ASSESSING,) if accepted else (AmendmentStatus.ASSESSING, AmendmentStatus.ACCEPTED)
        self._same_amendment(request_id, *allowed)
        self.amendment_status = AmendmentStatus.ACCEPTED if accepted else AmendmentStatus.REFUSED
        self._raise_event(
            events.ProductOrderAmendmentConcluded(self.id, request_id, self.amendment_status, tuple(reasons), now)
        )
        self._changed()

    def apply_amendment(
        self,
        actor: Actor,
        *,
        request_id: AmendmentRequestId,
        added: Sequence[CheckedItem],
        modified: Sequence[CheckedItem],
        removed: Sequence[OrderItemId],
        now: datetime,
    ) -> None:
        """Added items join at the order's treatment state, modified ones keep theirs, removed
        ones go to ``pendingCancellation`` (through assessingCancellation, as the item picture
        draws it) until the plan has undone their tasks and the order closes."""
        self._check(can_progress_order(actor), actor, OrderAction.APPLY_AMENDMENT, now)
        self._same_amendment(request_id, AmendmentStatus.ACCEPTED)
        join = IS.PENDING if self.state is OS.PENDING else IS.IN_PROGRESS
        self.items = amended_items(self.items, added=added, modified=modified, removed=removed, join=join)
        self.amendment_status = AmendmentStatus.APPLIED
        self._raise_event(events.ProductOrderAmendmentConcluded(self.id, request_id, AmendmentStatus.APPLIED, (), now))
        self._settle(now)
        self._changed()

    # -- internals ------------------------------------------------------------------------------

    def _check(self, permission: Permission, actor: Actor, action: OrderAction, now: datetime) -> None:
        require(permission, actor, str(action))
        if self.state not in ORDER_ALLOWED_FROM[action]:
            raise IllegalTransition("ProductOrder", self.id, self.state, action)
        require_utc(now, "now")

    def _own(self, plan: FulfillmentPlan) -> None:
        if plan.order_id != self.id or plan.purpose is not PlanPurpose.FULFILLMENT:
            raise WrongOrder(self.id, f"{plan.purpose} plan {plan.id}", plan.order_id)

    def _same_cancellation(self, request_id: CancellationRequestId) -> None:
        if request_id != self.cancellation_request_id:
            raise StaleRequest(self.id, "cancellation", self.cancellation_request_id, request_id)

    def _same_amendment(self, request_id: AmendmentRequestId, *statuses: AmendmentStatus) -> None:
        if request_id != self.amendment_request_id or self.amendment_status not in statuses:
            raise StaleRequest(self.id, "amendment", self.amendment_request_id, request_id)

    def _transition(self, target: OrderState, reason: str, now: datetime, move: ItemMove) -> None:
        # Every order state change goes through here: it cannot leave the picture's edges, and
        # nor can the items it carries along.
        if (self.state, target) not in ORDER_EDGES:
            raise IllegalTransition("ProductOrder", self.id, self.state, f"move to {target}")
        items = tuple(walk_item(item, move(item)) for item in self.items)
        previous, self.state, self.items = self.state, target, items
        self._raise_event(
            events.ProductOrderStateChanged(
                self.id, previous, target, tuple((i.item_id, str(i.state)) for i in items), reason, now
            )
        )

    def _set_item(self, item: ProductOrderItem, reason: str, now: datetime) -> None:
        previous = self.item(item.item_id)
        if (previous.state, item.state) not in ITEM_EDGES:
            raise IllegalTransition("ProductOrderItem", item.item_id, previous.state, f"move to {item.state}")
        self.items = tuple(item if i.item_id == item.item_id else i for i in self.items)
        self._raise_event(
            events.ProductOrderItemStateChanged(self.id, item.item_id, previous.state, item.state, reason, now)
        )

    def _settle(self, now: datetime) -> None:
        """Align held-ness with the open fallout cases: a running order (and item) with a case is
        held; a held one without a case runs again."""
        if self.state not in (OS.IN_PROGRESS, OS.HELD):
            return
        held_items = {hold.item_id for hold in self.fallout_holds}
        if self.state is OS.IN_PROGRESS and held_items:
            self._transition(OS.HELD, "blocked by fallout", now, moves_from({IS.IN_PROGRESS: IS.HELD}, only=held_items))
        elif self.state is OS.HELD and not held_items:
            self._transition(OS.IN_PROGRESS, "fallout solved", now, moves_from({IS.HELD: IS.IN_PROGRESS}))
        for item in self.items:  # the order stays held; single items follow their own cases
            if item.state is IS.IN_PROGRESS and item.item_id in held_items:
                self._set_item(replace(item, state=IS.HELD), "blocked by fallout", now)
            elif item.state is IS.HELD and item.item_id not in held_items:
                self._set_item(replace(item, state=IS.IN_PROGRESS), "fallout solved", now)

    def _cancelled(self, reason: str, now: datetime) -> None:
        self.cancellation_date = now
        self.cancellation_reason = reason
        self.fallout_holds = ()  # cases of a cancelled order are moot; the application withdraws them
        self._changed()
