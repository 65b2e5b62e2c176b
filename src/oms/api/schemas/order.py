"""TMF622 v4 request bodies (create, amendment patch, cancel request) and response shapes.

Request bodies are strict like the quote API's: an attribute the OMS would not store (``note``,
``payment``, ``billingAccount``, a typo) is a 400 naming it, never silently dropped. Prices are
never taken from the client: ``orderTotalPrice`` and ``itemPrice`` are computed (at order time, or
from the accepted quote). Extensions beyond TMF622 are marked "extension" in their descriptions."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, Field, StrictInt, model_validator

from oms.api.schemas.common import Money, OpenModel, Ref, TmfModel
from oms.api.schemas.quote import CharacteristicIn, OfferingRefIn

ItemActionIn = Literal["add", "modify", "delete", "noChange"]


class ProductRefOrValueIn(TmfModel):
    """``id`` names an existing product (modify, delete, noChange); ``productCharacteristic`` the
    values wanted (add, modify)."""

    id: str | None = Field(None, min_length=1, max_length=200, description="the existing product acted on")
    href: str | None = None
    name: str | None = None
    referred_type: str | None = Field(None, alias="@referredType")
    productCharacteristic: list[CharacteristicIn] = Field(default_factory=list, max_length=50)


class QuoteItemRefIn(TmfModel):
    id: str = Field(min_length=1, max_length=64, description="the quote item this order item comes from")
    quoteId: str = Field(min_length=1, max_length=64)
    href: str | None = None
    name: str | None = None
    quoteHref: str | None = None
    quoteName: str | None = None
    referred_type: str | None = Field(None, alias="@referredType")


class OrderItemRelationshipIn(TmfModel):
    """Only ``bundled``-style relationships are read: ``relationshipType`` ``bundles`` or
    ``reliesOn`` are not modelled; a child of a bundle is given nested in ``productOrderItem``."""

    id: str = Field(min_length=1, max_length=64)
    relationshipType: str = Field(min_length=1, max_length=64)


class ProductOrderItemIn(TmfModel):
    id: str = Field(min_length=1, max_length=64, description="the item's id, unique within the order")
    action: ItemActionIn
    quantity: StrictInt = 1
    productOffering: OfferingRefIn | None = Field(None, description="required for add")
    product: ProductRefOrValueIn | None = None
    quoteItem: QuoteItemRefIn | None = None
    productOrderItem: list[ProductOrderItemIn] = Field(
        default_factory=list, max_length=50, description="bundle children (flattened on the order, linked by id)"
    )


class RelatedPartyIn(TmfModel):
    """TMF622 requires ``id`` and ``@referredType``; ``role: customer`` marks the customer."""

    id: str = Field(min_length=1, max_length=100)
    referred_type: str = Field(alias="@referredType", min_length=1, max_length=100)
    role: str | None = Field(None, max_length=100)
    name: str | None = Field(None, max_length=200)
    href: str | None = None


class QuoteRefIn(TmfModel):
    id: str = Field(min_length=1, max_length=64)
    href: str | None = None
    name: str | None = None
    referred_type: str | None = Field(None, alias="@referredType")


class ProductOrderCreate(TmfModel):
    """Either items priced at order time (each ``add`` item with its ``productOffering`` and
    characteristics), or a ``quote`` reference: an accepted quote prices the order, and without
    ``productOrderItem`` the order takes every item of the quote."""

    productOrderItem: list[ProductOrderItemIn] = Field(default_factory=list, max_length=100)
    relatedParty: list[RelatedPartyIn] = Field(default_factory=list, max_length=20)
    quote: list[QuoteRefIn] = Field(default_factory=list, max_length=1, description="at most one quote")
    description: str = Field("", max_length=2000)
    category: str | None = Field(None, max_length=100)
    externalId: str | None = Field(None, max_length=200)
    priority: str | None = Field(None, max_length=20)
    requestedStartDate: AwareDatetime | None = None
    requestedCompletionDate: AwareDatetime | None = None

    @model_validator(mode="after")
    def _items_or_quote(self) -> ProductOrderCreate:
        if not self.productOrderItem and not self.quote:
            raise ValueError("productOrderItem must not be empty unless a quote is referenced")
        if not self.quote and not any((party.role or "").lower() == "customer" for party in self.relatedParty):
            raise ValueError("relatedParty must contain the customer (role 'customer') unless a quote is referenced")
        return self


class ProductOrderAmend(TmfModel):
    """JSON merge patch (``application/merge-patch+json``) of ``productOrderItem``, the only attribute
    an order in flight lets change. As in RFC 7386 the array is replaced: the patch lists every item
    the order should have. Compared by ``id`` with the order: a new id is added, a changed item is
    modified, an item left out is removed."""

    productOrderItem: list[ProductOrderItemIn] = Field(min_length=1, max_length=100)


class ProductOrderRefIn(TmfModel):
    id: str = Field(min_length=1, max_length=64)
    href: str | None = None
    name: str | None = None
    referred_type: str | None = Field(None, alias="@referredType")


class CancelProductOrderCreate(TmfModel):
    productOrder: ProductOrderRefIn
    cancellationReason: str = Field("", max_length=2000)
    requestedCancellationDate: AwareDatetime | None = Field(None, description="recorded, not scheduled")


class OrderPrice(OpenModel):
    priceType: str
    recurringChargePeriod: str | None = None
    price: dict[str, Money]
    priceAlteration: list[dict[str, Any]] = Field(default_factory=list)


class ProductOrderItem(OpenModel):
    id: str
    action: str
    state: str
    quantity: int
    productOffering: Ref | None = None
    product: dict[str, Any] | None = None
    itemPrice: list[OrderPrice] = Field(default_factory=list)
    productOrderItemRelationship: list[dict[str, Any]] = Field(default_factory=list)


class ProductOrder(OpenModel):
    id: str
    href: str
    type_: str = Field("ProductOrder", alias="@type")
    state: str | None = None
    orderDate: str | None = None
    completionDate: str | None = None
    cancellationDate: str | None = None
    cancellationReason: str | None = None
    requestedStartDate: str | None = None
    requestedCompletionDate: str | None = None
    description: str | None = None
    category: str | None = None
    externalId: str | None = None
    priority: str | None = None
    relatedParty: list[dict[str, Any]] | None = None
    quote: list[Ref] | None = None
    productOrderItem: list[ProductOrderItem] | None = None
    orderTotalPrice: list[OrderPrice] | None = None
    rejection_reason: list[dict[str, Any]] | None = Field(
        None, alias="@oms.rejectionReason", description="extension: why the order was rejected, per item"
    )
    fallout_status: str | None = Field(None, alias="@oms.falloutStatus", description="extension: none or inFallout")
    amendment_status: str | None = Field(
        None, alias="@oms.amendmentStatus", description="extension: assessing, accepted, applied or refused"
    )


class CancelProductOrder(OpenModel):
    id: str
    href: str
    type_: str = Field("CancelProductOrder", alias="@type")
    state: str = Field(description="acknowledged, inProgress, done or terminatedWithError")
    productOrder: Ref
    cancellationReason: str | None = None
    requestedCancellationDate: str | None = None
    effectiveCancellationDate: str | None = None
    cancellation_outcome: str | None = Field(
        None, alias="@oms.cancellationOutcome", description="extension: accepted or refused (with the reason)"
    )
