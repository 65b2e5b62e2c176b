"""Checks of one configured item (and, recursively, its bundle children) against the catalog."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from oms.domain.catalog.catalog import Catalog
from oms.domain.catalog.offerings import ProductOffering
from oms.domain.configuration.characteristics import characteristic_problems
from oms.domain.configuration.errors import (
    BundleCardinalityViolated,
    ConfigurationProblem,
    InvalidQuantity,
    NotABundle,
    OfferingNotSellable,
    UnexpectedBundleChild,
    UnknownOfferingInItem,
)
from oms.domain.configuration.model import ConfiguredItem
from oms.domain.shared.ids import OfferingId


def item_problems(
    catalog: Catalog, item: ConfiguredItem, at: datetime, *, in_bundle: bool = False
) -> Iterator[ConfigurationProblem]:
    if isinstance(item.quantity, bool) or not isinstance(item.quantity, int) or item.quantity < 1:
        yield InvalidQuantity(item.item_id, item.quantity)
    offering = catalog.find_offering(item.offering_id)
    if offering is None:
        yield UnknownOfferingInItem(item.item_id, item.offering_id)
        # The children are still checked on their own, so one wrong id does not hide other problems.
        for child in item.children:
            yield from item_problems(catalog, child, at, in_bundle=True)
        return
    yield from _sellability_problems(item, offering, at, in_bundle)
    yield from characteristic_problems(
        item.item_id, offering.id, catalog.specification_of(offering), item.characteristics
    )
    yield from _bundle_problems(item, offering)
    for child in item.children:
        yield from item_problems(catalog, child, at, in_bundle=True)


def _sellability_problems(
    item: ConfiguredItem, offering: ProductOffering, at: datetime, in_bundle: bool
) -> Iterator[ConfigurationProblem]:
    if not offering.lifecycle_status.is_sellable:
        yield OfferingNotSellable(item.item_id, offering.id, f"lifecycle status is {offering.lifecycle_status}")
    elif not offering.valid_for.contains(at):
        yield OfferingNotSellable(item.item_id, offering.id, f"not valid at {at.isoformat()}")
    if not in_bundle and not offering.sellable_standalone:
        yield OfferingNotSellable(item.item_id, offering.id, "sold only as part of a bundle")


def _bundle_problems(item: ConfiguredItem, offering: ProductOffering) -> Iterator[ConfigurationProblem]:
    if not offering.is_bundle:
        if item.children:
            yield NotABundle(item.item_id, offering.id)
        return
    counts: dict[OfferingId, int] = {}
    for child in item.children:
        if offering.bundle_option(child.offering_id) is None:
            yield UnexpectedBundleChild(item.item_id, child.item_id, child.offering_id)
            continue
        quantity = child.quantity if isinstance(child.quantity, int) and child.quantity > 0 else 0
        counts[child.offering_id] = counts.get(child.offering_id, 0) + quantity
    for option in offering.bundled:
        count = counts.get(option.offering_id, 0)
        if not option.min_quantity <= count <= option.max_quantity:
            yield BundleCardinalityViolated(
                item.item_id, option.offering_id, count, option.min_quantity, option.max_quantity
            )
