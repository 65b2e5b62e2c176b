"""Checks of one item's characteristic values against its product specification."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from oms.domain.catalog.characteristics import CharacteristicSpec, CharacteristicValue, ProductSpecification
from oms.domain.configuration.errors import (
    CharacteristicOutOfRange,
    ConfigurationProblem,
    InvalidCharacteristicValue,
    MissingRequiredCharacteristic,
    UnknownCharacteristic,
    WrongCharacteristicType,
)


def effective_values(
    spec: ProductSpecification | None, given: Mapping[str, CharacteristicValue]
) -> dict[str, CharacteristicValue]:
    """The given values plus the defaults of every characteristic left out, sorted by name."""
    values = dict(given)
    for characteristic in () if spec is None else spec.characteristics:
        if characteristic.name not in values and characteristic.default is not None:
            values[characteristic.name] = characteristic.default
    return dict(sorted(values.items()))


def characteristic_problems(
    item_id: str, offering_id: str, spec: ProductSpecification | None, given: Mapping[str, object]
) -> Iterator[ConfigurationProblem]:
    known = () if spec is None else spec.characteristics
    known_names = {characteristic.name for characteristic in known}
    for name in sorted(given):
        if name not in known_names:
            yield UnknownCharacteristic(item_id, name, offering_id)
    for characteristic in known:
        value = given.get(characteristic.name, characteristic.default)
        if value is None:
            if characteristic.required:
                yield MissingRequiredCharacteristic(item_id, characteristic.name)
            continue
        problem = _value_problem(item_id, characteristic, value)
        if problem is not None:
            yield problem


def _value_problem(item_id: str, characteristic: CharacteristicSpec, value: object) -> ConfigurationProblem | None:
    """The first thing wrong with the value: a wrong type makes the other checks meaningless."""
    if not characteristic.accepts_type(value):
        return WrongCharacteristicType(item_id, characteristic.name, value, str(characteristic.value_type))
    if not characteristic.is_allowed(value):
        return InvalidCharacteristicValue(item_id, characteristic.name, value, characteristic.allowed_values)
    if not characteristic.in_range(value):
        value_range = characteristic.value_range
        assert value_range is not None  # in_range fails only when there is a range
        return CharacteristicOutOfRange(item_id, characteristic.name, value, value_range.minimum, value_range.maximum)
    return None
