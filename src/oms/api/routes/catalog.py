"""TMF620 ``productOffering`` and ``productSpecification`` (list and get) from the tenant's active
catalog version. Catalog loading is an operator task (``oms seed``), not an HTTP resource yet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from oms.api.deps import ContextDep, FieldsDep, PageDep, ServicesDep
from oms.api.render.catalog import render_offering, render_specification
from oms.api.render.paths import CATALOG_PREFIX
from oms.api.responses import list_response, project
from oms.api.schemas.catalog import ProductOffering, ProductSpecification
from oms.api.schemas.common import ERROR_RESPONSES
from oms.application.errors import NotFound
from oms.application.queries.catalog import get_catalog
from oms.application.runner import run_query
from oms.application.views import CatalogVersionView

router = APIRouter(prefix=CATALOG_PREFIX, tags=["catalog"], responses=ERROR_RESPONSES)
Json = dict[str, Any]
Renderer = Callable[[Json, Json, str], Json]
EntityId = Annotated[str, Path(min_length=1, max_length=100)]


@router.get("/productOffering", responses={200: {"model": list[ProductOffering]}})
def list_offerings(
    ctx: ContextDep,
    services: ServicesDep,
    page: PageDep,
    fields: FieldsDep,
    lifecycle_status: Annotated[str | None, Query(alias="lifecycleStatus")] = None,
    is_bundle: Annotated[bool | None, Query(alias="isBundle")] = None,
) -> JSONResponse:
    rows = _all(ctx, services, "productOffering", render_offering)
    rows = [
        row
        for row in rows
        if (lifecycle_status is None or row["lifecycleStatus"] == lifecycle_status)
        and (is_bundle is None or row["isBundle"] == is_bundle)
    ]
    return list_response(rows[page.offset : page.offset + page.limit], len(rows), page, fields)


@router.get("/productOffering/{offering_id}", responses={200: {"model": ProductOffering}})
def get_offering(offering_id: EntityId, ctx: ContextDep, services: ServicesDep, fields: FieldsDep) -> JSONResponse:
    return JSONResponse(project(_one(ctx, services, "productOffering", offering_id, render_offering), fields))


@router.get("/productSpecification", responses={200: {"model": list[ProductSpecification]}})
def list_specifications(ctx: ContextDep, services: ServicesDep, page: PageDep, fields: FieldsDep) -> JSONResponse:
    rows = _all(ctx, services, "productSpecification", render_specification)
    return list_response(rows[page.offset : page.offset + page.limit], len(rows), page, fields)


@router.get("/productSpecification/{specification_id}", responses={200: {"model": ProductSpecification}})
def get_specification(
    specification_id: EntityId, ctx: ContextDep, services: ServicesDep, fields: FieldsDep
) -> JSONResponse:
    body = _one(ctx, services, "productSpecification", specification_id, render_specification)
    return JSONResponse(project(body, fields))


def _active(ctx: ContextDep, services: ServicesDep) -> CatalogVersionView:
    return run_query(services.uow_factory, ctx, lambda uow: get_catalog(uow))


def _all(ctx: ContextDep, services: ServicesDep, kind: str, render: Renderer) -> list[Json]:
    catalog = _active(ctx, services)
    return [render(raw, catalog.document, catalog.loaded_at.isoformat()) for raw in catalog.document[kind]]


def _one(ctx: ContextDep, services: ServicesDep, kind: str, entity_id: str, render: Renderer) -> Json:
    catalog = _active(ctx, services)
    raw = next((raw for raw in catalog.document[kind] if raw["id"] == entity_id), None)
    if raw is None:
        raise NotFound.of(kind, entity_id)
    return render(raw, catalog.document, catalog.loaded_at.isoformat())
