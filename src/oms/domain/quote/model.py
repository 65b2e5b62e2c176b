"""The Quote aggregate (TMF648 v4). States and edges: ``lifecycle.py``; who may do what:
``oms.domain.approval.authorization``.

Two version numbers, on purpose: ``quote_version`` is TMF's business version (1, 2, … — a new
version is a new quote made from a rejected one); ``version`` is the optimistic-locking counter
every aggregate has, incremented once per successful command."""

from __future__ import annotations

from datetime import datetime

from oms.domain.approval.authorization import (
    can_apply_approval_outcome,
    can_cancel_quote,
    can_change_items,
    can_change_price,
    can_create_quote,
    can_expire_quote,
    can_respond_for_customer,
    can_submit_quote,
    require,
)
from oms.domain.approval.case import ApprovalOutcome, DecisionOutcome
from oms.domain.approval.figures import DealFigures, check_contract_term
from oms.domain.approval.policy import ApprovalPolicy, ApprovalRequirement
from oms.domain.configuration.model import ConfiguredItem
from oms.domain.pricing.model import PriceBreakdown
from oms.domain.pricing.service import PricedConfiguration
from oms.domain.quote import events
from oms.domain.quote.errors import (
    EmptyQuote,
    InsufficientApproval,
    InvalidQuoteValidity,
    QuoteAlreadySuperseded,
    QuoteStillValid,
    QuoteValidityEnded,
    StaleApprovalOutcome,
)
from oms.domain.quote.items import (
    AuthorizationState,
    QuoteAuthorization,
    QuoteItem,
    manual_discounts_differ,
    pair_items,
)
from oms.domain.quote.lifecycle import ALLOWED_FROM, EDGES, QuoteAction, QuoteState
from oms.domain.shared.actors import Actor
from oms.domain.shared.aggregate import AggregateRoot
from oms.domain.shared.errors import CurrencyMismatch, IllegalTransition
from oms.domain.shared.ids import ApprovalCaseId, CustomerId, QuoteId, QuoteItemId
from oms.domain.shared.time import TimePeriod, require_utc


class Quote(AggregateRoot):
    def __init__(
        self,
        *,
        id: QuoteId,
        customer_id: CustomerId,
        state: QuoteState,
        items: tuple[ConfiguredItem, ...],
        price: PriceBreakdown,
        valid_for: TimePeriod,
        contract_term_months: int,
        created_at: datetime,
        quote_version: int = 1,
        previous_quote_id: QuoteId | None = None,
        submitted_at: datetime | None = None,
        approval_case_id: ApprovalCaseId | None = None,
        approval_requirement: ApprovalRequirement | None = None,
        authorizations: tuple[QuoteAuthorization, ...] = (),
        completed_at: datetime | None = None,
        superseded_by: QuoteId | None = None,
        description: str = "",
        version: int = 0,
    ) -> None:
        """Rebuild a quote as stored; ``create`` and ``new_version`` make new ones."""
        super().__init__(version)
        self.id = id
        self.customer_id = customer_id
        self.state = state
        self._items = pair_items(id, items, price)
        self.price = price
        self.valid_for = valid_for
        self.contract_term_months = check_contract_term(contract_term_months)
        self.created_at = created_at
        self.quote_version = quote_version
        self.previous_quote_id = previous_quote_id
        self.submitted_at = submitted_at
        self.approval_case_id = approval_case_id
        self.approval_requirement = approval_requirement
        self.authorizations = authorizations
        self.completed_at = completed_at  # TMF effectiveQuoteCompletionDate
        self.superseded_by = superseded_by
        self.description = description

    # -- creation -------------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        *,
        quote_id: QuoteId,
        customer_id: CustomerId,
        priced: PricedConfiguration,
        valid_until: datetime,
        contract_term_months: int,
        actor: Actor,
        now: datetime,
        description: str = "",
    ) -> Quote:
        require(can_create_quote(actor), actor, "create a quote")
        if manual_discounts_differ(None, priced.breakdown):
            require(can_change_price(actor), actor, "request a manual discount")
        return cls._new(
            quote_id=quote_id,
            customer_id=customer_id,
            items=priced.items,
            price=priced.breakdown,
            valid_until=valid_until,
            contract_term_months=contract_term_months,
            actor=actor,
            now=now,
            description=description,
            quote_version=1,
            previous_quote_id=None,
        )

    @classmethod
    def _new(
        cls,
        *,
        quote_id: QuoteId,
        customer_id: CustomerId,
        items: tuple[ConfiguredItem, ...],
        price: PriceBreakdown,
        valid_until: datetime,
        contract_term_months: int,
        actor: Actor,
        now: datetime,
        description: str,
        quote_version: int,
        previous_quote_id: QuoteId | None,
    ) -> Quote:
        require_utc(now, "now")
        require_utc(valid_until, "validUntil")
        if valid_until <= now:
            raise InvalidQuoteValidity(quote_id, f"end {valid_until.isoformat()} is not after {now.isoformat()}")
        if not items:
            raise EmptyQuote(quote_id)
        quote = cls(
            id=quote_id,
            customer_id=customer_id,
            state=QuoteState.IN_PROGRESS,
            items=items,
            price=price,
            valid_for=TimePeriod(now, valid_until),
            contract_term_months=contract_term_months,
            created_at=now,
            quote_version=quote_version,
            previous_quote_id=previous_quote_id,
            description=description,
        )
        quote._raise_event(
            events.QuoteCreated(
                quote_id,
                quote_version,
                previous_quote_id,
                customer_id,
                quote.item_ids,
                price.totals.one_time,
                price.totals.recurring_monthly,
                valid_until,
                actor.id,
                now,
            )
        )
        return quote

    # -- reading --------------------------------------------------------------------------------

    @property
    def items(self) -> tuple[QuoteItem, ...]:
        return self._items

    @property
    def item_ids(self) -> tuple[QuoteItemId, ...]:
        return tuple(item.id for item in self._items)

    @property
    def valid_until(self) -> datetime:
        assert self.valid_for.end is not None  # every quote is created with an end of validity
        return self.valid_for.end

    def deal_figures(self) -> DealFigures:
        return DealFigures.from_breakdown(self.price, self.contract_term_months)

    # -- commands -------------------------------------------------------------------------------

    def change_items(self, actor: Actor, *, priced: PricedConfiguration, now: datetime) -> None:
        require(can_change_items(actor), actor, "change quote items")
        if manual_discounts_differ(self.price, priced.breakdown):
            require(can_change_price(actor), actor, "change a price")
        self._guard(QuoteAction.CHANGE_ITEMS)
        self._require_valid(QuoteAction.CHANGE_ITEMS, now)
        if not priced.items:
            raise EmptyQuote(self.id)
        if priced.breakdown.currency != self.price.currency:
            raise CurrencyMismatch(self.price.currency, priced.breakdown.currency, "change the items of")
        self._items = pair_items(self.id, priced.items, priced.breakdown)
        self.price = priced.breakdown
        self.approval_requirement = None  # it described the previous items
        totals = self.price.totals
        self._raise_event(
            events.QuoteItemsChanged(self.id, self.item_ids, totals.one_time, totals.recurring_monthly, actor.id, now)
        )
        self._changed()

    def submit(
        self, actor: Actor, *, policy: ApprovalPolicy, approval_case_id: ApprovalCaseId, now: datetime
    ) -> ApprovalRequirement:
        """To ``approved`` when the policy needs no approval, else to ``pending`` waiting for the
        approval case ``approval_case_id`` (opened by the caller from ``QuoteApprovalRequested``)."""
        require(can_submit_quote(actor), actor, "submit a quote")
        self._guard(QuoteAction.SUBMIT)
        self._require_valid(QuoteAction.SUBMIT, now)
        requirement = policy.evaluate(self.deal_figures())
        self.approval_requirement = requirement
        self.submitted_at = now
        self._raise_event(events.QuoteSubmitted(self.id, requirement.needed, actor.id, now))
        if requirement.needed:
            self.approval_case_id = approval_case_id
            self._move_to(QuoteState.PENDING)
            self._raise_event(
                events.QuoteApprovalRequested(
                    self.id,
                    approval_case_id,
                    tuple((level.level, level.role) for level in requirement.levels),
                    tuple(reason for level in requirement.levels for reason in level.reasons),
                    requirement.figures.deal_size,
                    now,
                )
            )
        else:
            self.approval_case_id = None
            self._move_to(QuoteState.APPROVED)
            self._raise_event(events.QuoteApproved(self.id, None, now))
        self._changed()
        return requirement

    def apply_approval_outcome(self, actor: Actor, *, outcome: ApprovalOutcome, now: datetime) -> None:
        """Approved: pending -> inProgress -> approved (the picture has no direct edge).
        Declined: pending -> inProgress, to be reworked or cancelled."""
        require(can_apply_approval_outcome(actor), actor, "apply an approval outcome")
        self._guard(QuoteAction.APPLY_APPROVAL_OUTCOME)
        require_utc(now, "now")
        if outcome.quote_id != self.id or outcome.case_id != self.approval_case_id:
            raise StaleApprovalOutcome(self.id, self.approval_case_id, outcome.case_id)
        if outcome.approved:
            self._check_sufficient(outcome)
        requested_at = self.submitted_at or now
        self.authorizations = self.authorizations + tuple(
            QuoteAuthorization(
                outcome.case_id,
                d.level,
                d.role,
                AuthorizationState.APPROVED if d.outcome is DecisionOutcome.APPROVE else AuthorizationState.DECLINED,
                d.approver_id,
                requested_at,
                d.decided_at,
                d.comment,
            )
            for d in outcome.decisions
        )
        self._move_to(QuoteState.IN_PROGRESS)
        if outcome.approved:
            self._move_to(QuoteState.APPROVED)
            self._raise_event(events.QuoteApproved(self.id, outcome.case_id, now))
        else:
            self._raise_event(events.QuoteApprovalDeclined(self.id, outcome.case_id, now))
        self._changed()

    def accept(self, actor: Actor, *, now: datetime) -> None:
        require(can_respond_for_customer(actor), actor, "accept a quote")
        self._guard(QuoteAction.ACCEPT)
        self._require_valid(QuoteAction.ACCEPT, now)
        self._move_to(QuoteState.ACCEPTED)
        self.completed_at = now
        self._raise_event(events.QuoteAccepted(self.id, actor.id, now))
        self._changed()

    def reject(self, actor: Actor, *, now: datetime, reason: str = "") -> None:
        require(can_respond_for_customer(actor), actor, "reject a quote")
        self._guard(QuoteAction.REJECT)
        require_utc(now, "now")
        self._move_to(QuoteState.REJECTED)
        self.completed_at = now
        self._raise_event(events.QuoteRejected(self.id, actor.id, reason, now))
        self._changed()

    def cancel(self, actor: Actor, *, now: datetime, reason: str = "") -> None:
        require(can_cancel_quote(actor), actor, "cancel a quote")
        self._guard(QuoteAction.CANCEL)
        require_utc(now, "now")
        previous = self.state
        self._move_to(QuoteState.CANCELLED)
        self.completed_at = now
        case_id = self.approval_case_id if previous is QuoteState.PENDING else None
        self._raise_event(events.QuoteCancelled(self.id, previous, case_id, actor.id, reason, now))
        self._changed()

    def expire(self, actor: Actor, *, now: datetime) -> None:
        """The scheduler's command once the validity period is over."""
        require(can_expire_quote(actor), actor, "expire a quote")
        self._guard(QuoteAction.EXPIRE)
        if not self.valid_for.has_ended(now):
            raise QuoteStillValid(self.id, self.valid_until, now)
        previous = self.state
        self._move_to(QuoteState.EXPIRED)
        self.completed_at = now
        case_id = self.approval_case_id if previous is QuoteState.PENDING else None
        self._raise_event(events.QuoteExpired(self.id, previous, case_id, self.valid_until, now))
        self._changed()

    def new_version(self, actor: Actor, *, new_quote_id: QuoteId, valid_until: datetime, now: datetime) -> Quote:
        """Version V+1 of a rejected quote: a new quote in progress with the same items and price
        snapshot (``change_items`` re-prices it). This quote records its successor, so two
        concurrent attempts collide on its ``version``."""
        require(can_create_quote(actor), actor, "create a new quote version")
        self._guard(QuoteAction.NEW_VERSION)
        if self.superseded_by is not None:
            raise QuoteAlreadySuperseded(self.id, self.superseded_by)
        successor = Quote._new(
            quote_id=new_quote_id,
            customer_id=self.customer_id,
            items=tuple(i.configuration for i in self._items),
            price=self.price,
            valid_until=valid_until,
            contract_term_months=self.contract_term_months,
            actor=actor,
            now=now,
            description=self.description,
            quote_version=self.quote_version + 1,
            previous_quote_id=self.id,
        )
        self.superseded_by = new_quote_id
        self._changed()
        return successor

    # -- guards ---------------------------------------------------------------------------------

    def _guard(self, action: QuoteAction) -> None:
        if self.state not in ALLOWED_FROM[action]:
            raise IllegalTransition("Quote", self.id, self.state, action)

    def _move_to(self, target: QuoteState) -> None:
        # Every state change goes through here, so the aggregate cannot leave the lifecycle's edges.
        if (self.state, target) not in EDGES:
            raise IllegalTransition("Quote", self.id, self.state, f"move to {target}")
        self.state = target

    def _require_valid(self, action: QuoteAction, now: datetime) -> None:
        if self.valid_for.has_ended(now):
            raise QuoteValidityEnded(self.id, action, self.valid_until, now)

    def _check_sufficient(self, outcome: ApprovalOutcome) -> None:
        if self.approval_requirement is None or not self.approval_requirement.levels:
            return
        required = max(level.level for level in self.approval_requirement.levels)
        approved = max((d.level for d in outcome.decisions if d.outcome is DecisionOutcome.APPROVE), default=0)
        if approved < required:
            raise InsufficientApproval(self.id, required, approved)
