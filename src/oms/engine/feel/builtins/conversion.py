"""Conversion builtins: ``string`` and ``number`` (the temporal constructors live in temporal.py)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from oms.engine.feel.builtins.registry import builtin
from oms.engine.feel.values import format_value

_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPING = (" ", ",", ".")
_DECIMAL = (".", ",")


@builtin("string", "from")
def string(value: Any) -> Any:
    return None if value is None else format_value(value)


@builtin("number", "from", "grouping separator?", "decimal separator?")
def number(value: Any, grouping: Any = None, separator: Any = None) -> Any:
    if not isinstance(value, str):
        return None
    if grouping is not None and grouping not in _GROUPING:
        return None
    if separator is not None and (separator not in _DECIMAL or separator == grouping):
        return None
    text = value.strip()
    if grouping is not None:
        text = text.replace(grouping, "")
    if separator is not None:
        text = text.replace(separator, ".")
    if not _NUMBER_RE.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None
