"""JSON in and out of PostgreSQL: numbers keep their decimals on the way in (FEEL numbers are
decimals), and decimals become JSON numbers on the way out."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.types.json import set_json_dumps, set_json_loads


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        from oms.engine.feel import to_json

        return to_json(value)
    from oms.engine.feel import to_json

    converted = to_json(value)
    if converted is value:
        raise TypeError(f"{type(value).__name__} is not JSON serializable")
    return converted


def dumps(value: Any) -> str:
    return json.dumps(value, default=_default, separators=(",", ":"), ensure_ascii=False)


#: One decoder for every value: ``json.loads(..., parse_float=...)`` builds a new one per call, which
#: costs more than decoding a small value (a command loads every live variable of its instance).
_DECODER = json.JSONDecoder(parse_float=Decimal)


def loads(text: str | bytes) -> Any:
    return _DECODER.decode(text.decode("utf-8") if isinstance(text, bytes | bytearray) else text)


def configure_connection(conn: psycopg.Connection[Any]) -> None:
    set_json_dumps(dumps, context=conn)
    set_json_loads(loads, context=conn)
