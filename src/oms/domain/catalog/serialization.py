"""The catalog as plain dicts (JSON-ready, TMF620-flavoured camelCase keys), so ``oms seed`` and
persistence can store and load it. ``catalog_from_dict(catalog_to_dict(c)) == c``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from oms.domain.catalog.catalog import Catalog
from oms.domain.catalog.characteristics import CharacteristicSpec, NumericRange, ProductSpecification, ValueType
from oms.domain.catalog.lifecycle import LifecycleStatus
from oms.domain.catalog.offerings import (
    BundledOffering,
    CharacteristicCondition,
    OfferingPrice,
    PriceType,
    ProductOffering,
)
from oms.domain.catalog.rules import CatalogDiscount, CompatibilityRule, DiscountKind, ExclusionRule
from oms.domain.catalog.values import value_from_json, value_to_json
from oms.domain.shared.ids import DiscountId, OfferingId, PriceId, RuleId, SpecificationId
from oms.domain.shared.money import Money
from oms.domain.shared.time import TimePeriod

Json = dict[str, Any]


def catalog_to_dict(catalog: Catalog) -> Json:
    return {
        "version": catalog.version,
        "currency": catalog.currency,
        "productSpecification": [_spec_to_dict(spec) for spec in catalog.specifications],
        "productOffering": [_offering_to_dict(offering) for offering in catalog.offerings],
        "compatibilityRule": [
            {"id": r.id, "offering": r.offering_id, "requires": r.requires_offering_id, "description": r.description}
            for r in catalog.compatibility_rules
        ],
        "exclusionRule": [
            {"id": r.id, "offering": r.offering_id, "excludes": r.excludes_offering_id, "description": r.description}
            for r in catalog.exclusion_rules
        ],
        "discount": [_discount_to_dict(discount) for discount in catalog.discounts],
    }


def catalog_from_dict(data: Json) -> Catalog:
    specifications = tuple(_spec_from_dict(raw) for raw in data.get("productSpecification", []))
    types = {
        spec.id: {characteristic.name: characteristic.value_type for characteristic in spec.characteristics}
        for spec in specifications
    }
    return Catalog(
        version=data["version"],
        currency=data["currency"],
        specifications=specifications,
        offerings=tuple(_offering_from_dict(raw, types) for raw in data.get("productOffering", [])),
        compatibility_rules=tuple(
            CompatibilityRule(RuleId(r["id"]), OfferingId(r["offering"]), OfferingId(r["requires"]), r["description"])
            for r in data.get("compatibilityRule", [])
        ),
        exclusion_rules=tuple(
            ExclusionRule(RuleId(r["id"]), OfferingId(r["offering"]), OfferingId(r["excludes"]), r["description"])
            for r in data.get("exclusionRule", [])
        ),
        discounts=tuple(_discount_from_dict(raw) for raw in data.get("discount", [])),
    )


def _spec_to_dict(spec: ProductSpecification) -> Json:
    return {
        "id": spec.id,
        "name": spec.name,
        "version": spec.version,
        "description": spec.description,
        "productSpecCharacteristic": [_characteristic_to_dict(c) for c in spec.characteristics],
    }


def _characteristic_to_dict(c: CharacteristicSpec) -> Json:
    value_range = None
    if c.value_range is not None:
        value_range = {
            "valueFrom": None if c.value_range.minimum is None else str(c.value_range.minimum),
            "valueTo": None if c.value_range.maximum is None else str(c.value_range.maximum),
        }
    return {
        "name": c.name,
        "valueType": str(c.value_type),
        "required": c.required,
        "default": None if c.default is None else value_to_json(c.default),
        "allowedValues": [value_to_json(value) for value in c.allowed_values],
        "range": value_range,
        "unitOfMeasure": c.unit,
        "description": c.description,
    }


def _spec_from_dict(raw: Json) -> ProductSpecification:
    return ProductSpecification(
        id=SpecificationId(raw["id"]),
        name=raw["name"],
        version=raw["version"],
        description=raw["description"],
        characteristics=tuple(_characteristic_from_dict(c) for c in raw["productSpecCharacteristic"]),
    )


def _characteristic_from_dict(raw: Json) -> CharacteristicSpec:
    value_type = ValueType(raw["valueType"])
    value_range = None
    if raw["range"] is not None:
        low, high = raw["range"]["valueFrom"], raw["range"]["valueTo"]
        value_range = NumericRange(
            minimum=None if low is None else Decimal(low), maximum=None if high is None else Decimal(high)
        )
    return CharacteristicSpec(
        name=raw["name"],
        value_type=value_type,
        required=raw["required"],
        default=None if raw["default"] is None else value_from_json(raw["default"], value_type),
        allowed_values=tuple(value_from_json(value, value_type) for value in raw["allowedValues"]),
        value_range=value_range,
        unit=raw["unitOfMeasure"],
        description=raw["description"],
    )


def _offering_to_dict(offering: ProductOffering) -> Json:
    return {
        "id": offering.id,
        "name": offering.name,
        "version": offering.version,
        "description": offering.description,
        "lifecycleStatus": str(offering.lifecycle_status),
        "validFor": offering.valid_for.to_dict(),
        "isSellable": offering.sellable_standalone,
        "productSpecification": offering.specification_id,
        "productOfferingPrice": [
            {
                "id": price.id,
                "name": price.name,
                "priceType": str(price.price_type),
                "price": price.amount.to_dict(),
                "condition": None
                if price.condition is None
                else {
                    "characteristic": price.condition.characteristic,
                    "value": value_to_json(price.condition.value),
                },
                "validFor": price.valid_for.to_dict(),
            }
            for price in offering.prices
        ],
        "bundledProductOffering": [
            {
                "id": option.offering_id,
                "numberRelOfferLowerLimit": option.min_quantity,
                "numberRelOfferUpperLimit": option.max_quantity,
                "numberRelOfferDefault": option.default_quantity,
            }
            for option in offering.bundled
        ],
    }


def _offering_from_dict(raw: Json, types: dict[SpecificationId, dict[str, ValueType]]) -> ProductOffering:
    spec_id = raw["productSpecification"]
    characteristic_types = types.get(SpecificationId(spec_id), {}) if spec_id is not None else {}

    def condition(raw_condition: Json | None) -> CharacteristicCondition | None:
        if raw_condition is None:
            return None
        name = raw_condition["characteristic"]
        # An unknown characteristic is left as read; the catalog's own check then names it.
        value_type = characteristic_types.get(name, ValueType.STRING)
        return CharacteristicCondition(name, value_from_json(raw_condition["value"], value_type))

    return ProductOffering(
        id=OfferingId(raw["id"]),
        name=raw["name"],
        version=raw["version"],
        description=raw["description"],
        lifecycle_status=LifecycleStatus(raw["lifecycleStatus"]),
        valid_for=TimePeriod.from_dict(raw["validFor"]),
        sellable_standalone=raw["isSellable"],
        specification_id=None if spec_id is None else SpecificationId(spec_id),
        prices=tuple(
            OfferingPrice(
                id=PriceId(price["id"]),
                name=price["name"],
                price_type=PriceType(price["priceType"]),
                amount=Money.from_dict(price["price"]),
                condition=condition(price["condition"]),
                valid_for=TimePeriod.from_dict(price["validFor"]),
            )
            for price in raw["productOfferingPrice"]
        ),
        bundled=tuple(
            BundledOffering(
                offering_id=OfferingId(option["id"]),
                min_quantity=option["numberRelOfferLowerLimit"],
                max_quantity=option["numberRelOfferUpperLimit"],
                default_quantity=option["numberRelOfferDefault"],
            )
            for option in raw["bundledProductOffering"]
        ),
    )


def _discount_to_dict(discount: CatalogDiscount) -> Json:
    return {
        "id": discount.id,
        "name": discount.name,
        "offering": discount.offering_id,
        "priceType": str(discount.price_type),
        "kind": str(discount.kind),
        "percentage": None if discount.percentage is None else str(discount.percentage),
        "amount": None if discount.amount is None else discount.amount.to_dict(),
        "validFor": discount.valid_for.to_dict(),
    }


def _discount_from_dict(raw: Json) -> CatalogDiscount:
    return CatalogDiscount(
        id=DiscountId(raw["id"]),
        name=raw["name"],
        offering_id=OfferingId(raw["offering"]),
        price_type=PriceType(raw["priceType"]),
        kind=DiscountKind(raw["kind"]),
        percentage=None if raw["percentage"] is None else Decimal(raw["percentage"]),
        amount=None if raw["amount"] is None else Money.from_dict(raw["amount"]),
        valid_for=TimePeriod.from_dict(raw["validFor"]),
    )
