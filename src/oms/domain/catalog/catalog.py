"""The catalog: one immutable, versioned snapshot of everything that can be sold.

It is read-mostly: a change is a new ``Catalog`` with a new ``version``, never an edit in place,
so a configuration and a price are always computed against one consistent snapshot."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from oms.domain.catalog.characteristics import ProductSpecification
from oms.domain.catalog.errors import InvalidCatalog, UnknownOffering
from oms.domain.catalog.integrity import (
    bundle_cycle_problems,
    characteristic_problems,
    discount_problems,
    offering_problems,
    rule_problems,
)
from oms.domain.catalog.offerings import PriceType, ProductOffering
from oms.domain.catalog.rules import CatalogDiscount, CompatibilityRule, ExclusionRule
from oms.domain.shared.ids import OfferingId, SpecificationId
from oms.domain.shared.money import Money


@dataclass(frozen=True)
class Catalog:
    version: str
    currency: str
    specifications: tuple[ProductSpecification, ...] = ()
    offerings: tuple[ProductOffering, ...] = ()
    compatibility_rules: tuple[CompatibilityRule, ...] = ()
    exclusion_rules: tuple[ExclusionRule, ...] = ()
    discounts: tuple[CatalogDiscount, ...] = ()

    def __post_init__(self) -> None:
        Money.zero(self.currency)  # validates the currency code
        problems = list(self._problems())
        if problems:
            raise InvalidCatalog(self.version, problems)

    def _problems(self) -> list[str]:
        problems: list[str] = []
        problems += _duplicates("specification", [spec.id for spec in self.specifications])
        problems += _duplicates("offering", [offering.id for offering in self.offerings])
        problems += _duplicates("discount", [discount.id for discount in self.discounts])
        rule_ids = [rule.id for rule in self.compatibility_rules] + [rule.id for rule in self.exclusion_rules]
        problems += _duplicates("rule", rule_ids)
        for spec in self.specifications:
            problems += characteristic_problems(spec)
        for offering in self.offerings:
            problems += offering_problems(offering, self._specifications, self._offerings, self.currency)
        problems += bundle_cycle_problems(self._offerings)
        problems += rule_problems(self.compatibility_rules, self.exclusion_rules, self._offerings)
        for discount in self.discounts:
            problems += discount_problems(discount, self._offerings, self.currency)
        return problems

    # cached_property writes straight into the instance dict, which a frozen dataclass allows.
    @cached_property
    def _offerings(self) -> Mapping[OfferingId, ProductOffering]:
        return {offering.id: offering for offering in self.offerings}

    @cached_property
    def _specifications(self) -> Mapping[SpecificationId, ProductSpecification]:
        return {spec.id: spec for spec in self.specifications}

    def find_offering(self, offering_id: OfferingId) -> ProductOffering | None:
        return self._offerings.get(offering_id)

    def offering(self, offering_id: OfferingId) -> ProductOffering:
        offering = self._offerings.get(offering_id)
        if offering is None:
            raise UnknownOffering(offering_id)
        return offering

    def specification_of(self, offering: ProductOffering) -> ProductSpecification | None:
        if offering.specification_id is None:
            return None
        return self._specifications[offering.specification_id]

    def sellable_offerings(self, at: datetime) -> tuple[ProductOffering, ...]:
        return tuple(offering for offering in self.offerings if offering.is_sellable_at(at))

    def discounts_for(
        self, offering_id: OfferingId, price_type: PriceType, at: datetime
    ) -> tuple[CatalogDiscount, ...]:
        return tuple(
            discount
            for discount in self.discounts
            if discount.offering_id == offering_id
            and discount.price_type is price_type
            and discount.valid_for.contains(at)
        )


def _duplicates(kind: str, ids: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    problems = []
    for entity_id in ids:
        if entity_id in seen:
            problems.append(f"{kind} id {entity_id!r} is used twice")
        seen.add(entity_id)
    return problems
