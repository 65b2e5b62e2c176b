"""Catalog commands. Catalog versions are immutable: loading a version again with the same content
is a no-op (so ``oms seed`` can run twice), with other content a conflict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from oms.application.authorization import require_catalog_manager
from oms.application.context import RequestContext
from oms.application.errors import Conflict, NotFound
from oms.application.runner import run_command
from oms.application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from oms.application.views import CatalogVersionView
from oms.domain.catalog.catalog import Catalog
from oms.domain.catalog.demo import demo_catalog
from oms.domain.catalog.serialization import catalog_from_dict, catalog_to_dict

Json = dict[str, Any]


@dataclass(frozen=True)
class LoadCatalog:
    document: Json  # catalog_to_dict shape (TMF620-flavoured)
    activate: bool = True

    @classmethod
    def of(cls, catalog: Catalog, activate: bool = True) -> LoadCatalog:
        return cls(catalog_to_dict(catalog), activate)


@dataclass(frozen=True)
class ActivateCatalog:
    version: str


def load_catalog(uow: UnitOfWork, request: LoadCatalog) -> CatalogVersionView:
    require_catalog_manager(uow.context.actor, "load a catalog")
    catalog = catalog_from_dict(request.document)  # InvalidCatalog lists every problem
    existing = uow.catalogs.find(catalog.version)
    if existing is None:
        uow.catalogs.add(catalog)
        uow.audit.record("loadCatalog", "catalog", catalog.version, None, {"version": catalog.version})
    elif existing.document != catalog_to_dict(catalog):
        raise Conflict(
            f"catalog version {catalog.version!r} already exists with other content; load it under a new version",
            {"version": catalog.version},
        )
    if request.activate and (existing is None or not existing.active):
        _activate(uow, catalog.version)
    return _view(uow, catalog.version)


def activate_catalog(uow: UnitOfWork, request: ActivateCatalog) -> CatalogVersionView:
    require_catalog_manager(uow.context.actor, "activate a catalog")
    current = uow.catalogs.find(request.version)
    if current is None:
        raise NotFound.of("catalog", request.version)
    if not current.active:
        _activate(uow, request.version)
    return _view(uow, request.version)


def load_demo_catalog(uow_factory: UnitOfWorkFactory, tenant_id: str) -> CatalogVersionView:
    """What ``oms seed`` runs for a tenant: the demo catalog, loaded and activated."""
    ctx = RequestContext.for_service(tenant_id, "oms-seed")
    return run_command(uow_factory, ctx, lambda uow: load_catalog(uow, LoadCatalog.of(demo_catalog())))


def _activate(uow: UnitOfWork, version: str) -> None:
    previous = uow.catalogs.find()
    uow.catalogs.activate(version)
    uow.audit.record(
        "activateCatalog",
        "catalog",
        version,
        None if previous is None else {"activeVersion": previous.version},
        {"activeVersion": version},
    )


def _view(uow: UnitOfWork, version: str) -> CatalogVersionView:
    view = uow.catalogs.find(version)
    assert view is not None  # written in this very transaction
    return view
