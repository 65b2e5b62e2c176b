"""Database errors that mean a business conflict, translated where they happen."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from psycopg import errors

from oms.application.errors import Conflict


@contextmanager
def unique_as_conflict(kind: str, entity_id: str) -> Iterator[None]:
    """A unique or exclusion violation while writing ``kind`` ``entity_id``: someone else wrote the
    same thing first (a concurrent new version, a second open case for one quote …)."""
    try:
        yield
    except (errors.UniqueViolation, errors.ExclusionViolation) as error:
        constraint = error.diag.constraint_name
        raise Conflict(
            f"{kind} {entity_id!r} conflicts with existing data ({constraint})",
            {"kind": kind, "id": entity_id, "constraint": constraint},
        ) from error
