"""Consistency checks of a whole catalog: each returns the problems it found, as text that names
the entity and what is wrong. ``Catalog`` runs them all when it is built."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from oms.domain.catalog.characteristics import CharacteristicSpec, ProductSpecification
from oms.domain.catalog.offerings import ProductOffering
from oms.domain.catalog.rules import CatalogDiscount, CompatibilityRule, DiscountKind, ExclusionRule
from oms.domain.shared.ids import OfferingId, SpecificationId


def characteristic_problems(spec: ProductSpecification) -> Iterator[str]:
    seen: set[str] = set()
    for characteristic in spec.characteristics:
        where = f"specification {spec.id!r} characteristic {characteristic.name!r}"
        if characteristic.name in seen:
            yield f"{where} is defined twice"
        seen.add(characteristic.name)
        yield from _definition_problems(characteristic, where)


def _definition_problems(characteristic: CharacteristicSpec, where: str) -> Iterator[str]:
    if characteristic.allowed_values and characteristic.value_range is not None:
        yield f"{where} has both allowed values and a range"
    for value in characteristic.allowed_values:
        if not characteristic.accepts_type(value):
            yield f"{where} allowed value {value!r} is not of type {characteristic.value_type}"
    if characteristic.default is not None and not characteristic.admits(characteristic.default):
        yield f"{where} default {characteristic.default!r} is not an admitted value"


def offering_problems(
    offering: ProductOffering,
    specifications: Mapping[SpecificationId, ProductSpecification],
    offerings: Mapping[OfferingId, ProductOffering],
    currency: str,
) -> Iterator[str]:
    where = f"offering {offering.id!r}"
    spec = None
    if offering.specification_id is not None:
        spec = specifications.get(offering.specification_id)
        if spec is None:
            yield f"{where} refers to unknown specification {offering.specification_id!r}"
    for price in offering.prices:
        if price.amount.currency != currency:
            yield f"{where} price {price.id!r} is in {price.amount.currency}, the catalog in {currency}"
        if price.amount.is_negative:
            yield f"{where} price {price.id!r} is negative"
        if price.condition is not None:
            characteristic = None if spec is None else spec.characteristic(price.condition.characteristic)
            if characteristic is None:
                yield f"{where} price {price.id!r} depends on unknown characteristic {price.condition.characteristic!r}"
            elif not characteristic.admits(price.condition.value):
                yield f"{where} price {price.id!r} depends on a value {price.condition.value!r} never admitted"
    for option in offering.bundled:
        if option.offering_id not in offerings:
            yield f"{where} bundles unknown offering {option.offering_id!r}"
        if not 0 <= option.min_quantity <= option.default_quantity <= option.max_quantity:
            yield f"{where} bundle option {option.offering_id!r} needs 0 <= min <= default <= max"


def bundle_cycle_problems(offerings: Mapping[OfferingId, ProductOffering]) -> Iterator[str]:
    """A bundle may hold bundles, but never (transitively) itself."""
    for start in offerings.values():
        stack = [option.offering_id for option in start.bundled]
        visited: set[OfferingId] = set()
        while stack:
            current = stack.pop()
            if current == start.id:
                yield f"offering {start.id!r} contains itself through its bundle children"
                break
            if current in visited or current not in offerings:
                continue
            visited.add(current)
            stack.extend(option.offering_id for option in offerings[current].bundled)


def rule_problems(
    compatibility: tuple[CompatibilityRule, ...],
    exclusion: tuple[ExclusionRule, ...],
    offerings: Mapping[OfferingId, ProductOffering],
) -> Iterator[str]:
    for rule in compatibility:
        for offering_id in (rule.offering_id, rule.requires_offering_id):
            if offering_id not in offerings:
                yield f"compatibility rule {rule.id!r} refers to unknown offering {offering_id!r}"
    for ex in exclusion:
        for offering_id in (ex.offering_id, ex.excludes_offering_id):
            if offering_id not in offerings:
                yield f"exclusion rule {ex.id!r} refers to unknown offering {offering_id!r}"


def discount_problems(
    discount: CatalogDiscount, offerings: Mapping[OfferingId, ProductOffering], currency: str
) -> Iterator[str]:
    where = f"discount {discount.id!r}"
    if discount.offering_id not in offerings:
        yield f"{where} refers to unknown offering {discount.offering_id!r}"
    if discount.kind is DiscountKind.PERCENTAGE:
        if discount.percentage is None or discount.amount is not None:
            yield f"{where} is a percentage discount and needs a percentage only"
        elif not 0 <= discount.percentage <= 100:
            yield f"{where} percentage {discount.percentage} is not between 0 and 100"
    else:
        if discount.amount is None or discount.percentage is not None:
            yield f"{where} is an amount discount and needs an amount only"
        elif discount.amount.currency != currency:
            yield f"{where} is in {discount.amount.currency}, the catalog in {currency}"
        elif discount.amount.is_negative:
            yield f"{where} amount is negative"
