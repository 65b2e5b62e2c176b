"""A configured item: what the customer chose for one offering (TMF648 ``quoteItem`` with its
``product.productCharacteristic`` and nested ``quoteItem`` for the children of a bundle)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from oms.domain.catalog.characteristics import CharacteristicValue, ValueType
from oms.domain.catalog.values import value_from_json, value_to_json, value_type_of
from oms.domain.shared.ids import OfferingId, QuoteItemId


@dataclass(frozen=True)
class ConfiguredItem:
    """``quantity`` is per parent: a child with quantity 2 in a bundle with quantity 3 is six units.

    ``characteristics`` is frozen and sorted by name on construction, so two items built from the
    same choices in a different order are equal and iterate the same way."""

    item_id: QuoteItemId
    offering_id: OfferingId
    characteristics: Mapping[str, CharacteristicValue] = field(default_factory=dict, hash=False)
    quantity: int = 1
    children: tuple[ConfiguredItem, ...] = ()

    def __post_init__(self) -> None:
        frozen = MappingProxyType(dict(sorted(self.characteristics.items())))
        object.__setattr__(self, "characteristics", frozen)
        object.__setattr__(self, "children", tuple(self.children))

    def walk(self) -> Iterator[ConfiguredItem]:
        """This item, then its descendants depth-first, in the order given."""
        yield self
        for child in self.children:
            yield from child.walk()

    def with_characteristics(self, values: Mapping[str, CharacteristicValue]) -> ConfiguredItem:
        return ConfiguredItem(self.item_id, self.offering_id, values, self.quantity, self.children)

    def with_children(self, children: tuple[ConfiguredItem, ...]) -> ConfiguredItem:
        return ConfiguredItem(self.item_id, self.offering_id, self.characteristics, self.quantity, children)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.item_id,
            "productOffering": self.offering_id,
            "quantity": self.quantity,
            "productCharacteristic": [
                {"name": name, "valueType": str(value_type_of(value)), "value": value_to_json(value)}
                for name, value in self.characteristics.items()
            ],
            "quoteItem": [child.to_dict() for child in self.children],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ConfiguredItem:
        return cls(
            item_id=QuoteItemId(data["id"]),
            offering_id=OfferingId(data["productOffering"]),
            quantity=data["quantity"],
            characteristics={
                c["name"]: value_from_json(c["value"], ValueType(c["valueType"])) for c in data["productCharacteristic"]
            },
            children=tuple(cls.from_dict(child) for child in data["quoteItem"]),
        )


def walk_all(items: tuple[ConfiguredItem, ...]) -> Iterator[ConfiguredItem]:
    for item in items:
        yield from item.walk()
