"""load_catalog and activate_catalog: immutable versions, one active version per tenant."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from cpq_app_support import AGENT, OPERATOR, ManualClock, TenantDriver, new_tenant_id, rows

from oms.application.commands.catalog import ActivateCatalog, LoadCatalog, activate_catalog, load_catalog
from oms.application.errors import Conflict, Forbidden, NotFound, ValidationFailed
from oms.application.queries.catalog import get_catalog, list_catalog_versions
from oms.application.unit_of_work import UnitOfWorkFactory
from oms.domain.catalog.demo import demo_catalog
from oms.domain.catalog.serialization import catalog_to_dict


@pytest.fixture
def bare(uow_factory: UnitOfWorkFactory, clock: ManualClock) -> TenantDriver:
    return TenantDriver(new_tenant_id(), uow_factory, clock)


def _renamed(version: str) -> dict[str, Any]:
    document = catalog_to_dict(demo_catalog())
    document["version"] = version
    return document


def test_loads_and_activates_the_demo_catalog(bare: TenantDriver) -> None:
    # when
    loaded = bare.run(OPERATOR, lambda uow: load_catalog(uow, LoadCatalog.of(demo_catalog())))
    # then
    assert (loaded.version, loaded.currency, loaded.active, loaded.loaded_by) == (
        "demo-2025.1",
        "EUR",
        True,
        "operator-1",
    )
    assert bare.query(AGENT, lambda uow: get_catalog(uow)).document == catalog_to_dict(demo_catalog())


def test_loading_the_same_version_again_changes_nothing(bare: TenantDriver, admin: psycopg.Connection[Any]) -> None:
    # given
    bare.run(OPERATOR, lambda uow: load_catalog(uow, LoadCatalog.of(demo_catalog())))
    # when
    bare.run(OPERATOR, lambda uow: load_catalog(uow, LoadCatalog.of(demo_catalog())))
    # then
    assert rows(admin, "SELECT count(*) FROM catalog_version WHERE tenant_id = %s", bare.id) == [(1,)]
    assert rows(admin, "SELECT count(*) FROM audit_event WHERE tenant_id = %s AND action = 'loadCatalog'", bare.id) == [
        (1,)
    ]


def test_a_version_cannot_be_loaded_again_with_other_content(bare: TenantDriver) -> None:
    # given
    bare.run(OPERATOR, lambda uow: load_catalog(uow, LoadCatalog.of(demo_catalog())))
    changed = catalog_to_dict(demo_catalog())
    changed["productOffering"][0]["name"] = "Renamed"
    # when / then
    with pytest.raises(Conflict):
        bare.run(OPERATOR, lambda uow: load_catalog(uow, LoadCatalog(changed)))


def test_an_invalid_catalog_is_refused_with_its_problems(bare: TenantDriver) -> None:
    # given: a bundle pointing at an offering that does not exist
    document = _renamed("broken")
    document["productOffering"][-1]["bundledProductOffering"][0]["id"] = "po-missing"
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        bare.run(OPERATOR, lambda uow: load_catalog(uow, LoadCatalog(document)))
    assert raised.value.code == "invalidCatalog" and raised.value.details["problems"]


def test_a_sales_agent_cannot_load_a_catalog(bare: TenantDriver) -> None:
    # when / then
    with pytest.raises(Forbidden):
        bare.run(AGENT, lambda uow: load_catalog(uow, LoadCatalog.of(demo_catalog())))


def test_activating_a_version_deactivates_the_previous_one(bare: TenantDriver) -> None:
    # given
    bare.run(OPERATOR, lambda uow: load_catalog(uow, LoadCatalog(_renamed("v1"))))
    bare.run(OPERATOR, lambda uow: load_catalog(uow, LoadCatalog(_renamed("v2"), activate=False)))
    # when
    bare.run(OPERATOR, lambda uow: activate_catalog(uow, ActivateCatalog("v2")))
    # then
    versions = bare.query(AGENT, lambda uow: list_catalog_versions(uow))
    assert [(v.version, v.active) for v in versions] == [("v1", False), ("v2", True)]


def test_activating_an_unknown_version_is_not_found(bare: TenantDriver) -> None:
    # when / then
    with pytest.raises(NotFound):
        bare.run(OPERATOR, lambda uow: activate_catalog(uow, ActivateCatalog("nope")))
