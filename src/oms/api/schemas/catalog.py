"""TMF620 response shapes (documentation of what ``render/catalog.py`` produces)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from oms.api.schemas.common import Money, OpenModel, Ref, TimePeriod


class ProductOfferingPrice(OpenModel):
    id: str
    name: str
    priceType: str = Field(description="oneTime or recurring")
    price: Money
    recurringChargePeriodType: str | None = None
    condition: dict[str, Any] | None = Field(None, description="extension: applies when a characteristic has a value")


class ProductOffering(OpenModel):
    id: str
    href: str
    type_: str = Field("ProductOffering", alias="@type")
    name: str | None = None
    version: str | None = None
    description: str | None = None
    lifecycleStatus: str | None = None
    lastUpdate: str | None = None
    validFor: TimePeriod | None = None
    isSellable: bool | None = None
    isBundle: bool | None = None
    productSpecification: Ref | None = None
    productOfferingPrice: list[ProductOfferingPrice] | None = None
    bundledProductOffering: list[dict[str, Any]] | None = None
    productOfferingRelationship: list[dict[str, Any]] | None = None


class ProductSpecification(OpenModel):
    id: str
    href: str
    type_: str = Field("ProductSpecification", alias="@type")
    name: str | None = None
    version: str | None = None
    description: str | None = None
    lastUpdate: str | None = None
    productSpecCharacteristic: list[dict[str, Any]] | None = None
