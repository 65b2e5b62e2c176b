"""Catalog queries (TMF620 routes read these)."""

from __future__ import annotations

from oms.application.errors import NotFound
from oms.application.unit_of_work import UnitOfWork
from oms.application.views import CatalogVersionView


def get_catalog(uow: UnitOfWork, version: str | None = None) -> CatalogVersionView:
    """The catalog ``version``, or the active one."""
    view = uow.catalogs.find(version)
    if view is None:
        raise NotFound.of("catalog", version or "(active)")
    return view


def list_catalog_versions(uow: UnitOfWork) -> list[CatalogVersionView]:
    return uow.catalogs.versions()
