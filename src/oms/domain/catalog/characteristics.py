"""Product specifications and their characteristics (TMF620 ``ProductSpecification`` and
``ProductSpecificationCharacteristic`` with its ``CharacteristicValueSpecification`` list).

Simplifications, on purpose: a characteristic takes exactly one value (TMF's min/max
cardinality of values is not modelled); a numeric range is closed at both ends (TMF's
``rangeInterval`` variants are not needed by the catalog we sell)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TypeGuard

from oms.domain.shared.ids import SpecificationId

CharacteristicValue = str | int | Decimal | bool


class ValueType(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"

    def accepts(self, value: object) -> TypeGuard[CharacteristicValue]:
        """Strict typing: ``bool`` is not an integer and ``float`` is never a decimal, because a
        float cannot say exactly which value the customer chose. An ``int`` is a valid decimal."""
        if self is ValueType.STRING:
            return isinstance(value, str)
        if self is ValueType.BOOLEAN:
            return isinstance(value, bool)
        if isinstance(value, bool):
            return False
        if self is ValueType.INTEGER:
            return isinstance(value, int)
        return isinstance(value, int) or (isinstance(value, Decimal) and value.is_finite())


@dataclass(frozen=True)
class NumericRange:
    """Closed interval; either bound may be open-ended (``None``)."""

    minimum: Decimal | None = None
    maximum: Decimal | None = None

    def contains(self, value: int | Decimal) -> bool:
        if self.minimum is not None and value < self.minimum:
            return False
        return self.maximum is None or value <= self.maximum

    def __str__(self) -> str:
        low = "-inf" if self.minimum is None else str(self.minimum)
        high = "+inf" if self.maximum is None else str(self.maximum)
        return f"[{low}, {high}]"


@dataclass(frozen=True)
class CharacteristicSpec:
    """One configurable characteristic. ``allowed_values`` (a closed list) and ``value_range``
    are mutually exclusive; with neither, any value of the type is accepted."""

    name: str
    value_type: ValueType
    required: bool = False
    default: CharacteristicValue | None = None
    allowed_values: tuple[CharacteristicValue, ...] = ()
    value_range: NumericRange | None = None
    unit: str | None = None
    description: str = ""

    def accepts_type(self, value: object) -> TypeGuard[CharacteristicValue]:
        return self.value_type.accepts(value)

    def is_allowed(self, value: CharacteristicValue) -> bool:
        return not self.allowed_values or value in self.allowed_values

    def in_range(self, value: CharacteristicValue) -> bool:
        if self.value_range is None or isinstance(value, bool | str):
            return True
        return self.value_range.contains(value)

    def admits(self, value: object) -> bool:
        return self.accepts_type(value) and self.is_allowed(value) and self.in_range(value)


@dataclass(frozen=True)
class ProductSpecification:
    id: SpecificationId
    name: str
    characteristics: tuple[CharacteristicSpec, ...] = ()
    version: str = "1"
    description: str = ""

    def characteristic(self, name: str) -> CharacteristicSpec | None:
        for spec in self.characteristics:
            if spec.name == name:
                return spec
        return None
