"""Catalog versions: the whole catalog as one jsonb document per (tenant, version), immutable
(the application role may update nothing but the active flag), at most one active per tenant.

Parsed catalogs are cached per (tenant, version) for the life of the unit-of-work factory: a
version never changes, so the cache needs no invalidation, and pricing does not re-parse the
catalog on every command."""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Any

from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from oms.application.views import CatalogVersionView
from oms.domain.catalog.catalog import Catalog
from oms.domain.catalog.serialization import catalog_from_dict, catalog_to_dict
from oms.persistence.errors import unique_as_conflict
from oms.persistence.session import Session, utc

_COLUMNS = "version, currency, active, loaded_at, loaded_by, document"


class CatalogCache:
    """A small LRU of parsed catalogs shared by the units of work of one factory (thread-safe)."""

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[str, str], Catalog] = OrderedDict()
        self._lock = Lock()

    def get(self, tenant_id: str, version: str) -> Catalog | None:
        with self._lock:
            catalog = self._entries.get((tenant_id, version))
            if catalog is not None:
                self._entries.move_to_end((tenant_id, version))
            return catalog

    def put(self, tenant_id: str, catalog: Catalog) -> None:
        with self._lock:
            self._entries[(tenant_id, catalog.version)] = catalog
            self._entries.move_to_end((tenant_id, catalog.version))
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)


class PostgresCatalogRepository:
    def __init__(self, session: Session, cache: CatalogCache) -> None:
        self._session = session
        self._cache = cache

    def load(self, version: str | None = None) -> Catalog | None:
        tenant_id = self._session.tenant_id
        if version is None:
            version = self._active_version()
            if version is None:
                return None
        cached = self._cache.get(tenant_id, version)
        if cached is not None:
            return cached
        row = self._session.conn.execute(
            "SELECT document FROM catalog_version WHERE tenant_id = %s AND version = %s", (tenant_id, version)
        ).fetchone()
        if row is None:
            return None
        catalog = catalog_from_dict(row[0])
        self._cache.put(tenant_id, catalog)
        return catalog

    def find(self, version: str | None = None) -> CatalogVersionView | None:
        condition = "active" if version is None else "version = %(version)s"
        with self._session.conn.cursor(row_factory=dict_row) as cur:
            row = cur.execute(
                f"SELECT {_COLUMNS} FROM catalog_version WHERE tenant_id = %(tenant_id)s AND {condition}",
                {"tenant_id": self._session.tenant_id, "version": version},
            ).fetchone()
        return None if row is None else _view(row)

    def versions(self) -> list[CatalogVersionView]:
        with self._session.conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(
                f"SELECT {_COLUMNS} FROM catalog_version WHERE tenant_id = %s ORDER BY loaded_at, version",
                (self._session.tenant_id,),
            ).fetchall()
        return [_view(row) for row in rows]

    def add(self, catalog: Catalog) -> None:
        s = self._session
        with unique_as_conflict("catalog", catalog.version):
            s.conn.execute(
                "INSERT INTO catalog_version (tenant_id, version, currency, document, loaded_at, loaded_by)"
                " VALUES (%s, %s, %s, %s, %s, %s)",
                (s.tenant_id, catalog.version, catalog.currency, Jsonb(catalog_to_dict(catalog)), s.now, s.actor_id),
            )

    def activate(self, version: str) -> None:
        s = self._session
        # Deactivate first: the partial unique index allows one active version per tenant.
        s.conn.execute(
            "UPDATE catalog_version SET active = false WHERE tenant_id = %s AND active AND version <> %s",
            (s.tenant_id, version),
        )
        with unique_as_conflict("catalog", version):
            s.conn.execute(
                "UPDATE catalog_version SET active = true, activated_at = %s WHERE tenant_id = %s AND version = %s",
                (s.now, s.tenant_id, version),
            )

    def _active_version(self) -> str | None:
        row = self._session.conn.execute(
            "SELECT version FROM catalog_version WHERE tenant_id = %s AND active", (self._session.tenant_id,)
        ).fetchone()
        return None if row is None else str(row[0])


def _view(row: dict[str, Any]) -> CatalogVersionView:
    return CatalogVersionView(
        version=row["version"],
        currency=row["currency"],
        active=row["active"],
        loaded_at=utc(row["loaded_at"]),
        loaded_by=row["loaded_by"],
        document=row["document"],
    )
