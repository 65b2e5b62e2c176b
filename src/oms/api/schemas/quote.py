"""TMF648 request bodies (create, merge-patch, state tasks, approval decisions) and response shapes.

Extensions beyond TMF648 are marked "extension" in their descriptions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, StrictBool, StrictInt, StrictStr, model_validator

from oms.api.schemas.common import Money, OpenModel, Ref, TimePeriod, TmfModel

# bool before int: JSON true must stay a boolean; a JSON number with a fraction becomes a Decimal.
CharacteristicValueIn = StrictBool | StrictInt | StrictStr | Decimal


class CharacteristicIn(TmfModel):
    name: str = Field(min_length=1, max_length=100)
    value: CharacteristicValueIn
    valueType: str | None = Field(None, description="informative; the specification decides the type")


class ProductIn(TmfModel):
    productCharacteristic: list[CharacteristicIn] = Field(default_factory=list, max_length=50)


class OfferingRefIn(TmfModel):
    id: str = Field(min_length=1, max_length=100)
    href: str | None = None
    name: str | None = None
    referred_type: str | None = Field(None, alias="@referredType")


class QuoteItemIn(TmfModel):
    id: str = Field(min_length=1, max_length=64, description="the item's id, unique within the quote")
    action: Literal["add"] = "add"
    quantity: StrictInt = 1
    productOffering: OfferingRefIn
    product: ProductIn | None = None
    quoteItem: list[QuoteItemIn] = Field(default_factory=list, max_length=50, description="bundle children")
    manualDiscountPercent: Decimal | None = Field(None, description="extension: sales discount on a top-level item")


class RelatedPartyIn(TmfModel):
    id: str = Field(min_length=1, max_length=100)
    role: str
    name: str | None = None
    referred_type: str | None = Field(None, alias="@referredType")


class QuoteCreate(TmfModel):
    """``relatedParty`` must name the customer (``role: customer``)."""

    quoteItem: list[QuoteItemIn] = Field(min_length=1, max_length=100)
    relatedParty: list[RelatedPartyIn] = Field(min_length=1)
    description: str = Field("", max_length=2000)
    contractTermMonths: int = Field(12, ge=1, le=120, description="extension: the contract term priced")
    manualDiscountPercent: Decimal | None = Field(None, description="extension: sales discount on the whole quote")
    catalogVersion: str | None = Field(None, description="extension: price against this version, not the active")

    @model_validator(mode="after")
    def _names_a_customer(self) -> QuoteCreate:
        if not any(party.role.lower() == "customer" for party in self.relatedParty):
            raise ValueError("relatedParty must contain the customer (role 'customer')")
        return self

    def customer_id(self) -> str:
        return next(party.id for party in self.relatedParty if party.role.lower() == "customer")


class QuoteUpdate(TmfModel):
    """JSON merge patch (``application/merge-patch+json``). Either change the content of a quote in
    progress (``quoteItem`` replaces all items and re-prices; discounts as given, or the ones already
    granted when none is given), or move it to ``accepted``, ``rejected`` or ``cancelled``: not both."""

    quoteItem: list[QuoteItemIn] | None = Field(None, min_length=1, max_length=100)
    manualDiscountPercent: Decimal | None = None
    catalogVersion: str | None = None
    state: Literal["accepted", "rejected", "cancelled"] | None = None
    stateChangeReason: str = Field("", max_length=2000, description="extension: why it was rejected/cancelled")

    @model_validator(mode="after")
    def _one_kind_of_change(self) -> QuoteUpdate:
        changes_content = bool({"quoteItem", "manualDiscountPercent", "catalogVersion"} & self.model_fields_set)
        if self.state is not None and changes_content:
            raise ValueError("change the state or the content of a quote, not both in one request")
        if self.state is None and not changes_content:
            raise ValueError("nothing to change: send quoteItem, manualDiscountPercent, catalogVersion or state")
        return self


class StateChangeIn(TmfModel):
    reason: str = Field("", max_length=2000)


class ApprovalDecisionIn(TmfModel):
    decision: Literal["approve", "reject"]
    comment: str = Field("", max_length=2000)
    approverId: str | None = Field(None, description="only for service actors relaying an approver's decision")
    role: str | None = Field(None, description="default: the role of the level the case waits for")


class QuotePrice(OpenModel):
    priceType: str
    recurringChargePeriod: str | None = None
    price: dict[str, Money]
    priceAlteration: list[dict[str, Any]] = Field(default_factory=list)


class QuoteItem(OpenModel):
    id: str
    quantity: int
    action: str
    productOffering: Ref
    product: dict[str, Any]
    quoteItemPrice: list[QuotePrice]
    quoteItem: list[QuoteItem]


class Quote(OpenModel):
    id: str
    href: str
    type_: str = Field("Quote", alias="@type")
    version: str | None = Field(None, description="TMF business version (V, V+1); the ETag is the lock version")
    state: str | None = None
    description: str | None = None
    quoteDate: str | None = None
    effectiveQuoteCompletionDate: str | None = None
    validFor: TimePeriod | None = None
    relatedParty: list[dict[str, Any]] | None = None
    quoteItem: list[QuoteItem] | None = None
    quoteTotalPrice: list[QuotePrice] | None = None
    authorization: list[dict[str, Any]] | None = None


class ApprovalCase(OpenModel):
    id: str
    href: str
    type_: str = Field("ApprovalCase", alias="@type")
    quoteId: str
    state: str
    currentLevel: dict[str, Any] | None = None
    levels: list[dict[str, Any]]
    decisions: list[dict[str, Any]]
