"""Amending an order in flight: add items, change items, remove items.

TMF622 v4 has no amendment resource or state, so the order carries the extension attribute
``@oms.amendmentStatus`` (assessing, accepted, applied, refused) and this request is our own
aggregate. Two steps, as the two workflow jobs ``order.amendment.assess`` and
``order.amendment.apply``:

1. **assess**: the amended order must pass the consistency check (for the items that change) and
   the plan revision it needs (``oms.domain.fulfillment.revision``) must not undo any task past
   its point of no return. An accepted amendment whose revision undoes work that may already have
   had an effect (compensated tasks) **needs approval**: an operator approves or declines it
   (``decide``) before it may be applied; a declined one is refused;
2. **apply**: the revision is computed again on the plan *as it is now* (workers kept going
   since the assessment) and checked again, then the plan and the order's items change together.

A completed order is not amended: ``supplemental.py`` places a new order linked to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from oms.domain.approval.authorization import require
from oms.domain.fulfillment.decomposition import plan_tasks
from oms.domain.fulfillment.plan import FulfillmentPlan, PlanPurpose
from oms.domain.fulfillment.revision import PlanRevision, revise_plan
from oms.domain.fulfillment.rules import RuleSet
from oms.domain.order.authorization import (
    can_decide_amendment_approval,
    can_progress_order,
    can_request_amendment,
)
from oms.domain.order.consistency import (
    ConsistencyResult,
    OrderingFacts,
    check_consistency,
    prices_by_item,
)
from oms.domain.order.errors import StaleRequest, WrongOrder
from oms.domain.order.items import ProductOrderItem
from oms.domain.order.keys import AmendmentRequestId
from oms.domain.order.lifecycle import ORDER_ALLOWED_FROM, AmendmentStatus, ItemState, OrderAction
from oms.domain.order.model import ProductOrder
from oms.domain.order.request import OrderItemRequest, OrderRequest
from oms.domain.pricing.model import ItemPrice, PriceBreakdown
from oms.domain.shared.actors import Actor
from oms.domain.shared.aggregate import AggregateRoot
from oms.domain.shared.errors import IllegalTransition
from oms.domain.shared.ids import ActorId, OrderId, OrderItemId
from oms.domain.shared.time import require_utc

# Items an amendment may still change: not final, not already on their way out.
_CHANGEABLE = frozenset({ItemState.ACKNOWLEDGED, ItemState.IN_PROGRESS, ItemState.PENDING, ItemState.HELD})
_GONE = frozenset({ItemState.REJECTED, ItemState.CANCELLED, ItemState.PENDING_CANCELLATION, ItemState.FAILED})


@dataclass(frozen=True)
class AmendmentAssessment:
    accepted: bool
    reasons: tuple[str, ...]
    revision: PlanRevision | None = None


@dataclass(frozen=True)
class AmendmentApproval:
    """An operator's decision on an amendment that needs approval."""

    approved: bool
    decided_by: ActorId
    decided_at: datetime
    comment: str = ""


def approval_needed(revision: PlanRevision | None) -> bool:
    """Undoing work that may already have had an effect (a compensated task: a reserved resource, a
    provisioned service, activated billing) costs money and touches the customer: a person decides.
    Superseding tasks that never ran, and adding new ones, does not need approval."""
    return revision is not None and bool(revision.compensated)


class ProductOrderAmendment(AggregateRoot):
    def __init__(
        self,
        *,
        id: AmendmentRequestId,
        order_id: OrderId,
        status: AmendmentStatus,
        requested_at: datetime,
        requested_by: ActorId,
        add: tuple[OrderItemRequest, ...] = (),
        modify: tuple[OrderItemRequest, ...] = (),
        remove: tuple[OrderItemId, ...] = (),
        price: PriceBreakdown | None = None,
        reasons: tuple[str, ...] = (),
        approval_required: bool = False,
        approval: AmendmentApproval | None = None,
        version: int = 0,
    ) -> None:
        super().__init__(version)
        self.id = id
        self.order_id = order_id
        self.status = status
        self.requested_at = requested_at
        self.requested_by = requested_by
        self.add = add  # new order items (any TMF action)
        self.modify = modify  # replacements of existing order items, by item id
        self.remove = remove
        self.price = price  # prices of the added and modified items, priced at amendment time
        self.reasons = reasons  # why it was refused
        self.approval_required = approval_required  # set by an accepting assessment
        self.approval = approval  # the operator's decision, when approval is required

    @classmethod
    def request(
        cls,
        actor: Actor,
        order: ProductOrder,
        *,
        request_id: AmendmentRequestId,
        now: datetime,
        add: Sequence[OrderItemRequest] = (),
        modify: Sequence[OrderItemRequest] = (),
        remove: Sequence[OrderItemId] = (),
        price: PriceBreakdown | None = None,
    ) -> ProductOrderAmendment:
        """Marks the order ``@oms.amendmentStatus = assessing``. A completed order answers
        ``UseSupplementalOrder``; one amendment at a time."""
        require(can_request_amendment(actor), actor, "request an order amendment")
        order.begin_amendment(actor, request_id=request_id, now=now)
        return cls(
            id=request_id,
            order_id=order.id,
            status=AmendmentStatus.ASSESSING,
            requested_at=now,
            requested_by=actor.id,
            add=tuple(add),
            modify=tuple(modify),
            remove=tuple(remove),
            price=price,
        )

    @property
    def scope(self) -> str:
        return f"amendment-{self.id}"

    def assess(
        self,
        actor: Actor,
        order: ProductOrder,
        plan: FulfillmentPlan,
        *,
        facts: OrderingFacts,
        rules: RuleSet,
        now: datetime,
    ) -> AmendmentAssessment:
        self._check(actor, AmendmentStatus.ASSESSING, "assess", now, order, plan)
        assessment = self._evaluate(order, plan, facts, rules)
        if not assessment.accepted:
            self._refuse(actor, order, assessment.reasons, now)
            return assessment
        order.conclude_amendment(actor, request_id=self.id, accepted=True, reasons=(), now=now)
        self.status = AmendmentStatus.ACCEPTED
        self.approval_required = approval_needed(assessment.revision)
        self._changed()
        return assessment

    @property
    def awaiting_approval(self) -> bool:
        return self.status is AmendmentStatus.ACCEPTED and self.approval_required and self.approval is None

    def decide(self, actor: Actor, order: ProductOrder, *, approved: bool, comment: str, now: datetime) -> None:
        """An operator approves (it may be applied) or declines (it is refused) an accepted
        amendment that needs approval. Only once: a second decision is an illegal transition."""
        require(can_decide_amendment_approval(actor), actor, "decide an amendment")
        if not self.awaiting_approval:
            raise IllegalTransition("ProductOrderAmendment", self.id, self._approval_state(), "decide")
        require_utc(now, "now")
        if order.id != self.order_id:
            raise WrongOrder(self.order_id, "order", order.id)
        if order.amendment_request_id != self.id or order.amendment_status is not AmendmentStatus.ACCEPTED:
            raise StaleRequest(self.order_id, "amendment", order.amendment_request_id, self.id)
        self.approval = AmendmentApproval(approved, actor.id, now, comment)
        if approved:
            self._changed()
            return
        reason = f"declined by {actor.id}" + (f": {comment}" if comment else "")
        self._refuse(actor, order, (reason,), now)

    def _approval_state(self) -> str:
        if self.status is AmendmentStatus.ACCEPTED and self.approval_required:
            return "approved"
        if self.status is AmendmentStatus.ACCEPTED:
            return "accepted without approval"
        return str(self.status)

    def apply(
        self,
        actor: Actor,
        order: ProductOrder,
        plan: FulfillmentPlan,
        *,
        facts: OrderingFacts,
        rules: RuleSet,
        now: datetime,
    ) -> AmendmentAssessment:
        """Re-check on the current plan and apply: the plan is revised and the order's items
        change. When the re-check fails (a task passed its point of no return meanwhile), the
        amendment is refused instead."""
        self._check(actor, AmendmentStatus.ACCEPTED, "apply", now, order, plan)
        if self.approval_required and (self.approval is None or not self.approval.approved):
            raise IllegalTransition("ProductOrderAmendment", self.id, "awaitingApproval", "apply")
        assessment = self._evaluate(order, plan, facts, rules)
        if not assessment.accepted or assessment.revision is None:
            self._refuse(actor, order, assessment.reasons, now)
            return assessment
        result = self._consistency(order, facts, rules)
        checked = {item.request.item_id: item for item in result.items}
        plan.apply_revision(actor, assessment.revision, now=now)
        order.apply_amendment(
            actor,
            request_id=self.id,
            added=[checked[item.item_id] for item in self.add],
            modified=[checked[item.item_id] for item in self.modify],
            removed=self.remove,
            now=now,
        )
        self.status = AmendmentStatus.APPLIED
        self._changed()
        return assessment

    # -- internals ------------------------------------------------------------------------------

    def _evaluate(
        self, order: ProductOrder, plan: FulfillmentPlan, facts: OrderingFacts, rules: RuleSet
    ) -> AmendmentAssessment:
        if order.state not in ORDER_ALLOWED_FROM[OrderAction.APPLY_AMENDMENT]:
            return AmendmentAssessment(False, (f"the order is {order.state}",))
        reasons = self._request_reasons(order)
        if reasons:
            return AmendmentAssessment(False, reasons)
        result = self._consistency(order, facts, rules)
        if not result.consistent:
            return AmendmentAssessment(False, tuple(reason.message for reason in result.reasons))
        amended = [checked.to_item(ItemState.IN_PROGRESS).decomposition_item() for checked in result.items]
        target = plan_tasks(order.id, amended, rules)
        revision = revise_plan(plan, target, scope=self.scope)
        if not revision.allowed:
            passed = ", ".join(revision.irreversible)
            return AmendmentAssessment(False, (f"point of no return passed: {passed}",), revision)
        return AmendmentAssessment(True, (), revision)

    def _request_reasons(self, order: ProductOrder) -> tuple[str, ...]:
        items = {item.item_id: item for item in order.items}
        reasons = []
        for item_id in (*(item.item_id for item in self.modify), *self.remove):
            if item_id not in items:
                reasons.append(f"item {item_id!r} is not on the order")
            elif items[item_id].state not in _CHANGEABLE:
                reasons.append(f"item {item_id!r} is {items[item_id].state} and cannot change")
        if not self.add and not self.modify and not self.remove:
            reasons.append("the amendment changes nothing")
        return tuple(reasons)

    def _consistency(self, order: ProductOrder, facts: OrderingFacts, rules: RuleSet) -> ConsistencyResult:
        """The amended order's items (kept, modified, added) checked as a whole; only reasons
        about changed items or the order as a whole count, so a kept item whose offering has been
        retired since does not block an unrelated change."""
        replaced = {item.item_id: item for item in self.modify}
        kept = [item for item in order.items if item.state not in _GONE and item.item_id not in self.remove]
        requests = [replaced.get(item.item_id) or _as_request(item) for item in kept] + list(self.add)
        prices: dict[str, ItemPrice] = {
            item.quote_item_id or item.item_id: item.price for item in kept if item.price is not None
        }
        new_prices = prices_by_item(self.price)
        changed = {item.item_id for item in (*self.modify, *self.add)}
        for request in requests:
            if request.item_id in changed:
                prices.pop(request.price_key, None)
                if request.price_key in new_prices:
                    prices[request.price_key] = new_prices[request.price_key]
        amended = OrderRequest(tuple(requests), order.header.related_parties)
        result = check_consistency(amended, facts, rules, prices=prices)
        relevant = tuple(reason for reason in result.reasons if reason.item_id is None or reason.item_id in changed)
        return ConsistencyResult(result.items, relevant)

    def _refuse(self, actor: Actor, order: ProductOrder, reasons: tuple[str, ...], now: datetime) -> None:
        if not order.state.is_final:  # a final order keeps its last word
            order.conclude_amendment(actor, request_id=self.id, accepted=False, reasons=reasons, now=now)
        self.status = AmendmentStatus.REFUSED
        self.reasons = reasons
        self._changed()

    def _check(
        self,
        actor: Actor,
        status: AmendmentStatus,
        action: str,
        now: datetime,
        order: ProductOrder,
        plan: FulfillmentPlan,
    ) -> None:
        require(can_progress_order(actor), actor, f"{action} an amendment")
        if self.status is not status:
            raise IllegalTransition("ProductOrderAmendment", self.id, self.status, action)
        require_utc(now, "now")
        if order.id != self.order_id:
            raise WrongOrder(self.order_id, "order", order.id)
        if plan.order_id != self.order_id or plan.purpose is not PlanPurpose.FULFILLMENT:
            raise WrongOrder(self.order_id, f"{plan.purpose} plan {plan.id}", plan.order_id)
        # Checked before anything changes, so a stale request cannot leave the plan half revised.
        if order.amendment_request_id != self.id or order.amendment_status is not status:
            raise StaleRequest(self.order_id, "amendment", order.amendment_request_id, self.id)


def _as_request(item: ProductOrderItem) -> OrderItemRequest:
    return OrderItemRequest(
        item_id=item.item_id,
        action=item.action,
        offering_id=item.offering_id,
        characteristics=item.characteristics,
        quantity=item.quantity,
        product_id=item.product_id,
        quote_item_id=item.quote_item_id,
        parent_item_id=item.parent_item_id,
    )
