"""The business consistency check of a new order (the diamond at the top of the TMF622 order
lifecycle): consistent -> ``acknowledged``, otherwise ``rejected`` with every reason recorded.

The check is pure: what it needs from elsewhere (the catalog's offerings, the customer's installed
products, the quote) is looked up by the application and passed in as ``OrderingFacts``. It
reports all reasons at once, each naming its item, so the customer can fix the order in one go."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from oms.domain.catalog.catalog import Catalog
from oms.domain.fulfillment.rules import RuleSet
from oms.domain.order.items import ItemAction, ProductOrderItem, RelatedParty
from oms.domain.order.lifecycle import ItemState
from oms.domain.order.request import OrderItemRequest, OrderRequest
from oms.domain.pricing.model import ItemPrice, PriceBreakdown
from oms.domain.quote.lifecycle import QuoteState
from oms.domain.quote.model import Quote
from oms.domain.shared.ids import CustomerId, OfferingId, OrderItemId, ProductId, QuoteId, SpecificationId


class ReasonCode(StrEnum):
    EMPTY_ORDER = "emptyOrder"
    DUPLICATE_ITEM = "duplicateItemId"
    INVALID_QUANTITY = "invalidQuantity"
    MISSING_OFFERING = "missingOffering"
    UNKNOWN_OFFERING = "unknownOffering"
    OFFERING_NOT_SELLABLE = "offeringNotSellable"
    PRODUCT_REF_ON_ADD = "productRefOnAdd"
    MISSING_PRODUCT_REF = "missingProductRef"
    UNKNOWN_PRODUCT = "unknownProduct"
    PRODUCT_OF_OTHER_CUSTOMER = "productOfOtherCustomer"
    OFFERING_DOES_NOT_MATCH_PRODUCT = "offeringDoesNotMatchProduct"
    PRODUCT_IN_SEVERAL_ITEMS = "productInSeveralItems"
    UNKNOWN_PARENT_ITEM = "unknownParentItem"
    NO_FULFILLMENT_RULE = "noFulfillmentRule"
    ITEM_NOT_PRICED = "itemNotPriced"
    PRICE_DOES_NOT_MATCH_ITEM = "priceDoesNotMatchItem"
    UNKNOWN_QUOTE = "unknownQuote"
    QUOTE_NOT_ACCEPTED = "quoteNotAccepted"
    QUOTE_OF_OTHER_CUSTOMER = "quoteOfOtherCustomer"
    INVALID_REQUESTED_DATES = "invalidRequestedDates"


@dataclass(frozen=True)
class RejectionReason:
    """Recorded on a rejected order (extension ``@oms.rejectionReason``: TMF622 v4 has no field)."""

    code: ReasonCode
    message: str
    item_id: OrderItemId | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": str(self.code), "message": self.message, "itemId": self.item_id}


@dataclass(frozen=True)
class KnownOffering:
    offering_id: OfferingId
    specification_id: SpecificationId | None
    sellable: bool  # can be ordered new (``add``) right now; installed ones may be retired


@dataclass(frozen=True)
class ExistingProduct:
    """An installed product of the product inventory (TMF637)."""

    product_id: ProductId
    offering_id: OfferingId
    owner_id: str | None = None  # the customer party's id


@dataclass(frozen=True)
class QuoteFacts:
    quote_id: QuoteId
    state: QuoteState
    customer_id: CustomerId
    price: PriceBreakdown

    @classmethod
    def of(cls, quote: Quote) -> QuoteFacts:
        return cls(quote.id, quote.state, quote.customer_id, quote.price)


@dataclass(frozen=True)
class OrderingFacts:
    offerings: Mapping[OfferingId, KnownOffering]
    products: Mapping[ProductId, ExistingProduct] = field(default_factory=dict)
    quote: QuoteFacts | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "offerings", MappingProxyType(dict(self.offerings)))
        object.__setattr__(self, "products", MappingProxyType(dict(self.products)))

    @classmethod
    def from_catalog(
        cls,
        catalog: Catalog,
        at: datetime,
        *,
        products: Sequence[ExistingProduct] = (),
        quote: QuoteFacts | None = None,
    ) -> OrderingFacts:
        offerings = {o.id: KnownOffering(o.id, o.specification_id, o.is_sellable_at(at)) for o in catalog.offerings}
        return cls(offerings, {p.product_id: p for p in products}, quote)


@dataclass(frozen=True)
class CheckedItem:
    """A requested item with what the check resolved: its offering (for modify/delete, the
    product's), the specification, and its price."""

    request: OrderItemRequest
    offering_id: OfferingId | None
    specification_id: SpecificationId | None
    price: ItemPrice | None

    def to_item(self, state: ItemState) -> ProductOrderItem:
        request = self.request
        return ProductOrderItem(
            item_id=request.item_id,
            action=request.action,
            offering_id=self.offering_id,
            state=state,
            specification_id=self.specification_id,
            characteristics=request.characteristics,
            quantity=request.quantity,
            product_id=request.product_id,
            price=self.price,
            quote_item_id=request.quote_item_id,
            parent_item_id=request.parent_item_id,
        )


@dataclass(frozen=True)
class ConsistencyResult:
    items: tuple[CheckedItem, ...]
    reasons: tuple[RejectionReason, ...]

    @property
    def consistent(self) -> bool:
        return not self.reasons


def prices_by_item(breakdown: PriceBreakdown | None) -> dict[str, ItemPrice]:
    """Every priced item of a breakdown, bundle children included, by its (quote) item id."""
    if breakdown is None:
        return {}
    return {price.item_id: price for top in breakdown.items for price in top.walk()}


def order_breakdown(request: OrderRequest, facts: OrderingFacts) -> PriceBreakdown | None:
    """The request's own price, else the snapshot of the quote it references."""
    if request.price is not None:
        return request.price
    quote = facts.quote
    return quote.price if quote is not None and quote.quote_id == request.quote_id else None


def check_consistency(
    request: OrderRequest, facts: OrderingFacts, rules: RuleSet, *, prices: Mapping[str, ItemPrice] | None = None
) -> ConsistencyResult:
    """``prices`` overrides where item prices come from (amendments mix old and new prices);
    by default the request's breakdown, else the quote's snapshot."""
    reasons: list[RejectionReason] = []
    if not request.items:
        reasons.append(RejectionReason(ReasonCode.EMPTY_ORDER, "an order needs at least one item"))
    reasons.extend(_quote_reasons(request, facts))
    reasons.extend(_date_reasons(request))
    if prices is None:
        prices = prices_by_item(order_breakdown(request, facts))
    ids = Counter(item.item_id for item in request.items)
    reasons.extend(
        RejectionReason(ReasonCode.DUPLICATE_ITEM, f"item id {item_id!r} is used {count} times", item_id)
        for item_id, count in ids.items()
        if count > 1
    )
    product_use = Counter(item.product_id for item in request.items if item.product_id is not None)
    customer = _customer(request.related_parties)
    checked: list[CheckedItem] = []
    for item in request.items:
        item_reasons, resolved = _check_item(item, facts, rules, prices, customer, ids)
        if item.product_id is not None and product_use[item.product_id] > 1:
            item_reasons.append(
                _reason(ReasonCode.PRODUCT_IN_SEVERAL_ITEMS, item, f"product {item.product_id!r} is in several items")
            )
        reasons.extend(item_reasons)
        checked.append(resolved)
    return ConsistencyResult(tuple(checked), tuple(reasons))


def _check_item(
    item: OrderItemRequest,
    facts: OrderingFacts,
    rules: RuleSet,
    prices: Mapping[str, ItemPrice],
    customer: str | None,
    ids: Counter[OrderItemId],
) -> tuple[list[RejectionReason], CheckedItem]:
    reasons: list[RejectionReason] = []
    if item.quantity < 1:
        reasons.append(_reason(ReasonCode.INVALID_QUANTITY, item, f"quantity {item.quantity} is not positive"))
    if item.parent_item_id is not None and item.parent_item_id not in ids:
        reasons.append(_reason(ReasonCode.UNKNOWN_PARENT_ITEM, item, f"bundle item {item.parent_item_id!r} is unknown"))
    offering_id = _offering_of(item, facts, customer, reasons)
    known = None if offering_id is None else facts.offerings.get(offering_id)
    if offering_id is not None and known is None:
        reasons.append(_reason(ReasonCode.UNKNOWN_OFFERING, item, f"offering {offering_id!r} is unknown"))
    if known is not None and item.action is ItemAction.ADD and not known.sellable:
        reasons.append(_reason(ReasonCode.OFFERING_NOT_SELLABLE, item, f"offering {offering_id!r} cannot be sold now"))
    specification_id = None if known is None else known.specification_id
    if known is not None and not rules.supports(known.offering_id, specification_id, item.action.change):
        reasons.append(
            _reason(ReasonCode.NO_FULFILLMENT_RULE, item, f"{offering_id!r} cannot be fulfilled for {item.action}")
        )
    price = prices.get(item.price_key)
    if item.action.needs_price and price is None:
        reasons.append(_reason(ReasonCode.ITEM_NOT_PRICED, item, "the item has no price"))
    if price is not None and offering_id is not None and price.offering_id != offering_id:
        reasons.append(
            _reason(ReasonCode.PRICE_DOES_NOT_MATCH_ITEM, item, f"its price is for offering {price.offering_id!r}")
        )
    return reasons, CheckedItem(item, offering_id, specification_id, price)


def _offering_of(
    item: OrderItemRequest, facts: OrderingFacts, customer: str | None, reasons: list[RejectionReason]
) -> OfferingId | None:
    """The offering the item is about; records what makes no sense about its product reference."""
    if not item.action.needs_existing_product:
        if item.product_id is not None:
            reasons.append(_reason(ReasonCode.PRODUCT_REF_ON_ADD, item, "an added product cannot exist already"))
        if item.offering_id is None:
            reasons.append(_reason(ReasonCode.MISSING_OFFERING, item, "an added product needs an offering"))
        return item.offering_id
    if item.product_id is None:
        reasons.append(_reason(ReasonCode.MISSING_PRODUCT_REF, item, f"{item.action} needs an existing product"))
        return item.offering_id
    product = facts.products.get(item.product_id)
    if product is None:
        reasons.append(_reason(ReasonCode.UNKNOWN_PRODUCT, item, f"product {item.product_id!r} is unknown"))
        return item.offering_id
    if customer is not None and product.owner_id is not None and product.owner_id != customer:
        reasons.append(
            _reason(ReasonCode.PRODUCT_OF_OTHER_CUSTOMER, item, f"product {product.product_id!r} is not the customer's")
        )
    if item.offering_id is not None and item.offering_id != product.offering_id:
        reasons.append(
            _reason(
                ReasonCode.OFFERING_DOES_NOT_MATCH_PRODUCT,
                item,
                f"product {product.product_id!r} is of offering {product.offering_id!r}, not {item.offering_id!r}",
            )
        )
    return product.offering_id


def _quote_reasons(request: OrderRequest, facts: OrderingFacts) -> list[RejectionReason]:
    if request.quote_id is None:
        return []
    quote = facts.quote
    if quote is None or quote.quote_id != request.quote_id:
        return [RejectionReason(ReasonCode.UNKNOWN_QUOTE, f"quote {request.quote_id!r} is unknown")]
    reasons = []
    if quote.state is not QuoteState.ACCEPTED:
        reasons.append(
            RejectionReason(ReasonCode.QUOTE_NOT_ACCEPTED, f"quote {quote.quote_id!r} is {quote.state}, not accepted")
        )
    customer = _customer(request.related_parties)
    if customer is not None and customer != quote.customer_id:
        reasons.append(
            RejectionReason(ReasonCode.QUOTE_OF_OTHER_CUSTOMER, f"quote {quote.quote_id!r} is for another customer")
        )
    return reasons


def _date_reasons(request: OrderRequest) -> list[RejectionReason]:
    start, end = request.requested_start_date, request.requested_completion_date
    if start is not None and end is not None and end <= start:
        return [RejectionReason(ReasonCode.INVALID_REQUESTED_DATES, "requested completion is not after the start")]
    return []


def _customer(parties: Sequence[RelatedParty]) -> str | None:
    return next((party.id for party in parties if party.is_customer), None)


def _reason(code: ReasonCode, item: OrderItemRequest, message: str) -> RejectionReason:
    return RejectionReason(code, f"item {item.item_id!r}: {message}", item.item_id)
