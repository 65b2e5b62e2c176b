"""Search mechanics: filter, sort and page over an entity catalog, in the vocabulary of Camunda's v2 API.

Each searchable entity is a catalog of fields named as the Camunda REST API names them (camelCase),
each one an SQL expression over the entity's tables and a kind that says how to compare and
convert values. A query is a filter (field -> exact value or an operator object such as
``{"$in": [...]}``), a sort (field, descending?) and a page (limit, offset). The result rows are
dicts keyed by field name with plain Python values (keys as ``int``, dates as ``datetime``); the
REST layer turns them into wire models.

SQL text is assembled only from the constant catalog (``catalog.py``); every value travels as a parameter.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from oms.engine.errors import InvalidArgumentError

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000


class Kind(Enum):
    KEY = "key"  # int64 keys; exchanged as numeric strings
    STRING = "string"
    INT = "int"
    DATE = "date"
    BOOL = "bool"
    JSON = "json"  # a variable value (jsonb); filter values are JSON texts
    OBJECT = "object"  # selected only (custom headers)


@dataclass(frozen=True)
class Field:
    sql: str
    kind: Kind
    selected: bool = True  # part of the result rows (False: filter/sort only)


@dataclass(frozen=True)
class Entity:
    name: str
    source: str  # FROM clause
    key: str  # field that identifies a row: the last sort criterion, so pages are stable
    fields: Mapping[str, Field]
    #: filter fields that need more than a column comparison: name -> builder of (condition, params)
    special: Mapping[str, Callable[[Any], tuple[str, list[Any]]]] = field(default_factory=dict)
    #: rows of the source that are not part of the entity are excluded by this condition
    scope: str | None = None


@dataclass(frozen=True)
class SearchQuery:
    filter: Mapping[str, Any] = field(default_factory=dict)
    sort: Sequence[tuple[str, bool]] = ()  # (field, descending)
    limit: int = DEFAULT_LIMIT
    offset: int = 0


@dataclass(frozen=True)
class SearchPage:
    items: list[dict[str, Any]]
    total: int
    offset: int


# ---------------------------------------------------------------------------------------- cursors
# Cursors are offsets in disguise: the engine answers from a consistent relational store, so an
# offset names the same position as long as nothing is inserted before it (like Camunda's own
# cursors, they are opaque and only valid with the same filter and sort).


def encode_cursor(offset: int) -> str:
    return base64.b64encode(json.dumps({"offset": offset}).encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        offset = json.loads(base64.b64decode(cursor, validate=True))["offset"]
    except (binascii.Error, ValueError, KeyError, TypeError) as error:
        raise InvalidArgumentError(f"Expected a cursor returned by a previous search, but got '{cursor}'") from error
    if not isinstance(offset, int) or offset < 0:
        raise InvalidArgumentError(f"Expected a cursor returned by a previous search, but got '{cursor}'")
    return offset


# ---------------------------------------------------------------------------------------- values

_KEY_PATTERN = re.compile(r"^-?[0-9]{1,19}$")


def _convert(name: str, kind: Kind, value: Any) -> Any:
    """A filter value as the database compares it; rejects values of the wrong type (400)."""
    if kind is Kind.KEY:
        text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if isinstance(text, str) and _KEY_PATTERN.match(text):
            return int(text)
    elif kind is Kind.INT:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif kind is Kind.STRING:
        if isinstance(value, str):
            return value
    elif kind is Kind.BOOL:
        if isinstance(value, bool):
            return value
    elif kind is Kind.DATE:
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                parsed = None
            if parsed is not None and parsed.tzinfo is not None:
                return parsed
    elif kind is Kind.JSON and isinstance(value, str):
        try:
            return Jsonb(json.loads(value))
        except ValueError:
            pass
    raise InvalidArgumentError(f"Expected a valid {kind.value} value for filter '{name}', but got {value!r}")


def _like_pattern(value: str) -> str:
    """Camunda's ``$like``: ``*`` any run of characters, ``?`` one character; the rest literal."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%").replace("?", "_")


_COMPARISONS = {"$eq": "=", "$neq": "IS DISTINCT FROM", "$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}
_ORDERED = (Kind.KEY, Kind.INT, Kind.DATE)


def field_condition(name: str, spec: Field, value: Any) -> tuple[str, list[Any]]:
    """SQL condition and parameters for one filter entry: an exact value or an operator object."""
    if spec.kind is Kind.OBJECT:
        raise InvalidArgumentError(f"Filtering by '{name}' is not supported")
    if not isinstance(value, dict):
        if value is None:
            raise InvalidArgumentError(f"Expected a value for filter '{name}', but got null")
        return f"{spec.sql} = %s", [_convert(name, spec.kind, value)]
    if spec.kind is Kind.BOOL:
        raise InvalidArgumentError(f"Expected a boolean for filter '{name}', but got an operator object")
    conditions: list[str] = []
    params: list[Any] = []
    for operator, operand in value.items():
        if operator in _COMPARISONS:
            if operator not in ("$eq", "$neq") and spec.kind not in _ORDERED:
                raise InvalidArgumentError(f"Operator '{operator}' does not apply to filter '{name}'")
            conditions.append(f"{spec.sql} {_COMPARISONS[operator]} %s")
            params.append(_convert(name, spec.kind, operand))
        elif operator == "$exists":
            if not isinstance(operand, bool):
                raise InvalidArgumentError(f"Expected a boolean for '$exists' of filter '{name}'")
            conditions.append(f"{spec.sql} IS {'NOT ' if operand else ''}NULL")
        elif operator in ("$in", "$notIn"):
            if not isinstance(operand, list):
                raise InvalidArgumentError(f"Expected a list for '{operator}' of filter '{name}'")
            values = [_convert(name, spec.kind, item) for item in operand]
            if not values:
                conditions.append("false" if operator == "$in" else "true")
                continue
            placeholders = ", ".join(["%s"] * len(values))
            negation = "NOT " if operator == "$notIn" else ""
            # NOT IN never matches NULL; Camunda's $notIn keeps rows without a value.
            null_ok = f" OR {spec.sql} IS NULL" if operator == "$notIn" else ""
            conditions.append(f"({spec.sql} {negation}IN ({placeholders}){null_ok})")
            params.extend(values)
        elif operator == "$like":
            if spec.kind not in (Kind.STRING, Kind.JSON) or not isinstance(operand, str):
                raise InvalidArgumentError(f"Operator '$like' needs a string and a text filter ('{name}')")
            text = f"({spec.sql})::text" if spec.kind is Kind.JSON else spec.sql
            conditions.append(f"{text} LIKE %s")
            params.append(_like_pattern(operand))
        else:
            raise InvalidArgumentError(f"Unknown operator '{operator}' in filter '{name}'")
    if not conditions:
        raise InvalidArgumentError(f"Expected at least one operator in filter '{name}'")
    return " AND ".join(conditions), params


# ---------------------------------------------------------------------------------------- queries


def filter_condition(entity: Entity, filters: Mapping[str, Any], *, nested: bool = False) -> tuple[str, list[Any]]:
    """All entries of a filter, ANDed; ``$or`` holds a list of filters of which one must match."""
    conditions: list[str] = []
    params: list[Any] = []
    for name, value in filters.items():
        if value is None:
            continue  # an absent filter value: clients send null for "no filter"
        if name == "$or" and not nested:
            if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
                raise InvalidArgumentError("Expected '$or' to be a list of filters")
            alternatives = [filter_condition(entity, item, nested=True) for item in value]
            if not alternatives:
                continue
            condition = " OR ".join(f"({alt or 'true'})" for alt, _ in alternatives)
            values = [param for _, alt_params in alternatives for param in alt_params]
        elif name in entity.special:
            condition, values = entity.special[name](value)
        elif name in entity.fields:
            condition, values = field_condition(name, entity.fields[name], value)
        else:
            raise InvalidArgumentError(f"Filtering {entity.name} by '{name}' is not supported")
        conditions.append(f"({condition})")
        params.extend(values)
    return " AND ".join(conditions), params


def build_sql(entity: Entity, query: SearchQuery) -> tuple[str, str, list[Any]]:
    """The page query, the count query and their shared parameters."""
    if not 1 <= query.limit <= MAX_LIMIT:
        raise InvalidArgumentError(f"Expected a page limit between 1 and {MAX_LIMIT}, but got {query.limit}")
    if query.offset < 0:
        raise InvalidArgumentError(f"Expected a page offset of at least 0, but got {query.offset}")
    condition, params = filter_condition(entity, query.filter)
    conditions = [part for part in (entity.scope, condition) if part]
    order: list[str] = []
    for name, descending in [*query.sort, (entity.key, False)]:
        spec = entity.fields.get(name)
        if spec is None or spec.kind is Kind.OBJECT:
            raise InvalidArgumentError(f"Sorting {entity.name} by '{name}' is not supported")
        order.append(f"{spec.sql} {'DESC' if descending else 'ASC'}")
    where = " WHERE " + " AND ".join(conditions) if conditions else ""
    columns = ", ".join(f'{spec.sql} AS "{name}"' for name, spec in entity.fields.items() if spec.selected)
    page_sql = (
        f"SELECT {columns} FROM {entity.source}{where} ORDER BY {', '.join(order)} LIMIT {int(query.limit)}"
        f" OFFSET {int(query.offset)}"
    )
    count_sql = f"SELECT count(*) AS total FROM {entity.source}{where}"
    return page_sql, count_sql, params


class EngineSearch:
    """Runs searches on the engine's tables; the views are strongly consistent (no exporter lag)."""

    def __init__(self, pool: ConnectionPool[Any]) -> None:
        self._pool = pool

    def search(self, entity: Entity, query: SearchQuery) -> SearchPage:
        page_sql, count_sql, params = build_sql(entity, query)
        # One snapshot for both statements, so the total matches the page.
        with self._pool.connection() as conn, conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            items = cur.execute(page_sql, params).fetchall()
            total_row = cur.execute(count_sql, params).fetchone()
        total = int(total_row["total"]) if total_row else 0
        return SearchPage(items=items, total=total, offset=query.offset)

    def get(self, entity: Entity, key: int) -> dict[str, Any] | None:
        """One row by its key field, or None."""
        found = self.search(entity, SearchQuery(filter={entity.key: str(key)}, limit=1))
        return found.items[0] if found.items else None
