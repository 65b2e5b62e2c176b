"""Workflow start requests are unique per (tenant, workflow type, business key)."""

from __future__ import annotations

from typing import Any

import psycopg
from persistence_support import ctx

from oms.application.workflow import QUOTE_APPROVAL_WORKFLOW, WorkflowStartRequest, quote_approval_business_key
from oms.persistence.unit_of_work import PostgresUnitOfWorkFactory


def _request(tenant: str) -> WorkflowStartRequest:
    key = quote_approval_business_key(tenant, "q-1", "case-1")
    return WorkflowStartRequest(QUOTE_APPROVAL_WORKFLOW, key, "quote", "q-1", {"quoteId": "q-1"})


def test_a_duplicate_start_request_is_not_created_twice(
    uow_factory: PostgresUnitOfWorkFactory, admin: psycopg.Connection[Any], tenant_a: str
) -> None:
    # given
    with uow_factory(ctx(tenant_a)) as uow:
        first = uow.workflow_starts.request(_request(tenant_a))
        uow.commit()
    # when
    with uow_factory(ctx(tenant_a)) as uow:
        second = uow.workflow_starts.request(_request(tenant_a))
        uow.commit()
    # then
    assert (first, second) == (True, False)
    stored = admin.execute(
        "SELECT business_key, status, attempt_count, last_error FROM workflow_start_request WHERE tenant_id = %s",
        (tenant_a,),
    ).fetchall()
    assert stored == [(f"quote:{tenant_a}:q-1:approval:case-1", "pending", 0, None)]


def test_the_same_business_key_in_another_tenant_is_another_request(
    uow_factory: PostgresUnitOfWorkFactory, tenant_a: str, tenant_b: str
) -> None:
    # given
    same = _request(tenant_a)
    with uow_factory(ctx(tenant_a)) as uow:
        uow.workflow_starts.request(same)
        uow.commit()
    # when
    with uow_factory(ctx(tenant_b)) as uow:
        created = uow.workflow_starts.request(same)
        uow.commit()
    # then
    assert created is True
