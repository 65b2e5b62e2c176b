"""Compatibility and exclusion rules across all items of one quote, bundle children included."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from oms.domain.catalog.catalog import Catalog
from oms.domain.catalog.rules import CompatibilityRule, ExclusionRule
from oms.domain.configuration.errors import ConfigurationProblem, ExcludedCombination, MissingRequiredOffering
from oms.domain.configuration.model import ConfiguredItem
from oms.domain.shared.ids import OfferingId, QuoteItemId


@dataclass(frozen=True)
class _Occurrence:
    item_id: QuoteItemId
    offering_id: OfferingId
    units: int  # quantity times the quantities of its ancestors


def _occurrences(items: tuple[ConfiguredItem, ...], multiplier: int = 1) -> Iterator[_Occurrence]:
    for item in items:
        # A malformed quantity is reported by the item checks; here it just counts as nothing.
        valid = isinstance(item.quantity, int) and not isinstance(item.quantity, bool) and item.quantity > 0
        units = multiplier * item.quantity if valid else 0
        yield _Occurrence(item.item_id, item.offering_id, units)
        yield from _occurrences(item.children, units)


def rule_problems(catalog: Catalog, items: tuple[ConfiguredItem, ...]) -> Iterator[ConfigurationProblem]:
    occurrences = list(_occurrences(items))
    for compatibility in catalog.compatibility_rules:
        yield from _compatibility_problems(compatibility, occurrences)
    for exclusion in catalog.exclusion_rules:
        yield from _exclusion_problems(exclusion, occurrences)


def _compatibility_problems(rule: CompatibilityRule, occurrences: list[_Occurrence]) -> Iterator[ConfigurationProblem]:
    if any(o.offering_id == rule.requires_offering_id for o in occurrences):
        return
    for occurrence in occurrences:
        if occurrence.offering_id == rule.offering_id:
            yield MissingRequiredOffering(occurrence.item_id, rule.offering_id, rule.requires_offering_id, rule.id)


def _exclusion_problems(rule: ExclusionRule, occurrences: list[_Occurrence]) -> Iterator[ConfigurationProblem]:
    holders = [o for o in occurrences if o.offering_id == rule.offering_id]
    if rule.limits_to_one:
        if sum(o.units for o in holders) <= 1:
            return
        first = holders[0]
        if first.units > 1:
            # One item with quantity 2 breaks the rule on its own: it names itself as the other item.
            yield ExcludedCombination(first.item_id, rule.offering_id, first.item_id, rule.offering_id, rule.id)
        for later in holders[1:]:
            yield ExcludedCombination(later.item_id, rule.offering_id, first.item_id, rule.offering_id, rule.id)
        return
    excluded = [o for o in occurrences if o.offering_id == rule.excludes_offering_id]
    for holder in holders:
        for other in excluded:
            yield ExcludedCombination(holder.item_id, rule.offering_id, other.item_id, other.offering_id, rule.id)
