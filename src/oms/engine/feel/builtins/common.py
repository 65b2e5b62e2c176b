"""Argument checks shared by the builtin modules; a failed check makes the builtin return null."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from oms.engine.feel.operators import equals


def integer(value: Any) -> int | None:
    """The int a FEEL number stands for, or None when it is not a whole number."""
    if type(value) is not Decimal or not value.is_finite() or value != value.to_integral_value():
        return None
    return int(value)


def items(args: tuple[Any, ...]) -> list[Any] | None:
    """The list a varargs builtin works on: ``f([1, 2])`` and ``f(1, 2)`` both mean ``[1, 2]``."""
    if len(args) == 1:
        only = args[0]
        if isinstance(only, list):
            return only
        return None if only is None else [only]
    return list(args)


def numbers(values: list[Any] | None) -> list[Decimal] | None:
    """The list when every element is a number, else None."""
    if values is None or any(type(v) is not Decimal for v in values):
        return None
    return values


def position(items: list[Any], value: Any) -> int:
    """Index of the first element FEEL-equal to value, or -1 (Python's ``in`` would say 1 == true)."""
    for index, item in enumerate(items):
        if equals(item, value) is True:
            return index
    return -1


def list_index(items: list[Any], position: Any) -> int | None:
    """0-based index of a FEEL position (1 is the first element, -1 the last), None when outside."""
    number = integer(position)
    if number is None or number == 0 or abs(number) > len(items):
        return None
    return number - 1 if number > 0 else len(items) + number
