"""Loading helpers shared by the command modules: an aggregate of this tenant or ``NotFound``,
optionally at the version the caller read (``If-Match``)."""

from __future__ import annotations

from oms.application.errors import NotFound, StaleVersion
from oms.application.unit_of_work import UnitOfWork
from oms.domain.approval.case import ApprovalCase
from oms.domain.catalog.catalog import Catalog
from oms.domain.quote.model import Quote


def load_quote(uow: UnitOfWork, quote_id: str, expected_version: int | None = None) -> Quote:
    quote = uow.quotes.get(quote_id)
    if quote is None:
        raise NotFound.of("quote", quote_id)
    if expected_version is not None and quote.version != expected_version:
        raise StaleVersion("quote", quote_id, expected_version, quote.version)
    return quote


def load_case(uow: UnitOfWork, case_id: str, expected_version: int | None = None) -> ApprovalCase:
    case = uow.approvals.get(case_id)
    if case is None:
        raise NotFound.of("approvalCase", case_id)
    if expected_version is not None and case.version != expected_version:
        raise StaleVersion("approvalCase", case_id, expected_version, case.version)
    return case


def load_catalog_version(uow: UnitOfWork, version: str | None) -> Catalog:
    catalog = uow.catalogs.load(version)
    if catalog is None:
        raise NotFound.of("catalog", version or "(active)")
    return catalog
