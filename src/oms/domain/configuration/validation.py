"""Validate the configured items of one quote against the catalog at a point in time.

``configuration_problems`` returns every problem; ``validate_configuration`` raises them all at
once or returns the items with every default filled in, ready for pricing."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from oms.domain.catalog.catalog import Catalog
from oms.domain.configuration.characteristics import effective_values
from oms.domain.configuration.errors import ConfigurationProblem, DuplicateItemId, InvalidConfiguration
from oms.domain.configuration.items import item_problems
from oms.domain.configuration.model import ConfiguredItem, walk_all
from oms.domain.configuration.rules import rule_problems
from oms.domain.shared.time import require_utc


def configuration_problems(
    catalog: Catalog, items: Sequence[ConfiguredItem], at: datetime
) -> tuple[ConfigurationProblem, ...]:
    require_utc(at, "at")
    items = tuple(items)
    problems: list[ConfigurationProblem] = list(_duplicate_ids(items))
    for item in items:
        problems.extend(item_problems(catalog, item, at))
    problems.extend(rule_problems(catalog, items))
    return tuple(problems)


def validate_configuration(
    catalog: Catalog, items: Sequence[ConfiguredItem], at: datetime
) -> tuple[ConfiguredItem, ...]:
    problems = configuration_problems(catalog, items, at)
    if problems:
        raise InvalidConfiguration(problems)
    return tuple(apply_defaults(catalog, item) for item in items)


def apply_defaults(catalog: Catalog, item: ConfiguredItem) -> ConfiguredItem:
    """The item with the default of every characteristic it left out, recursively."""
    offering = catalog.find_offering(item.offering_id)
    spec = None if offering is None else catalog.specification_of(offering)
    children = tuple(apply_defaults(catalog, child) for child in item.children)
    return item.with_characteristics(effective_values(spec, item.characteristics)).with_children(children)


def _duplicate_ids(items: tuple[ConfiguredItem, ...]) -> Iterator[ConfigurationProblem]:
    seen: set[str] = set()
    reported: set[str] = set()
    for item in walk_all(items):
        if item.item_id in seen and item.item_id not in reported:
            reported.add(item.item_id)
            yield DuplicateItemId(item.item_id)
        seen.add(item.item_id)
