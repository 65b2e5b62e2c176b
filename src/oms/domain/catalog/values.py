"""Characteristic values as JSON: ``Decimal`` becomes a string (never a float); the value type,
stored next to the value, says how to read it back."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from oms.domain.catalog.characteristics import CharacteristicValue, ValueType
from oms.domain.shared.errors import DomainError

JsonValue = str | int | bool


class InvalidCharacteristicJson(DomainError):
    code = "invalidCharacteristicJson"

    def __init__(self, raw: object, value_type: str) -> None:
        super().__init__(f"{raw!r} cannot be read as a {value_type} value", raw=str(raw), value_type=value_type)


def value_type_of(value: CharacteristicValue) -> ValueType:
    if isinstance(value, bool):
        return ValueType.BOOLEAN
    if isinstance(value, int):
        return ValueType.INTEGER
    if isinstance(value, Decimal):
        return ValueType.DECIMAL
    return ValueType.STRING


def value_to_json(value: CharacteristicValue) -> JsonValue:
    return str(value) if isinstance(value, Decimal) else value


def value_from_json(raw: object, value_type: ValueType) -> CharacteristicValue:
    if value_type is ValueType.DECIMAL and isinstance(raw, str | int) and not isinstance(raw, bool):
        try:
            return Decimal(raw)
        except InvalidOperation as error:
            raise InvalidCharacteristicJson(raw, value_type) from error
    if value_type.accepts(raw) and not isinstance(raw, Decimal):
        return raw
    raise InvalidCharacteristicJson(raw, value_type)
