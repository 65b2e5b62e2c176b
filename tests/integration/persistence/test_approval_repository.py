"""The approval case repository: decisions and escalations survive a round trip, and the schema
repeats the domain's uniqueness rules."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from persistence_support import AGENT, MANAGER, NOW, WORKER, ctx, new_id, pending_quote_with_case

from oms.application.errors import Conflict, StaleVersion
from oms.application.views import ApprovalCaseView
from oms.domain.approval.case import ApprovalCase, DecisionOutcome
from oms.domain.approval.policy import default_policy
from oms.domain.shared.ids import ActorId, ApprovalCaseId
from oms.persistence.unit_of_work import PostgresUnitOfWorkFactory


def _stored_case(uow_factory: PostgresUnitOfWorkFactory, tenant: str) -> ApprovalCase:
    quote, case = pending_quote_with_case()
    with uow_factory(ctx(tenant)) as uow:
        uow.quotes.add(quote)
        uow.approvals.add(case)
        uow.commit()
    return case


def test_decisions_and_escalations_read_back_the_same(uow_factory: PostgresUnitOfWorkFactory, tenant_a: str) -> None:
    # given: escalated from level 1 to 2, then decided at level 2
    case = _stored_case(uow_factory, tenant_a)
    with uow_factory(ctx(tenant_a, WORKER)) as uow:
        loaded = uow.approvals.get(case.id)
        assert loaded is not None
        loaded.escalate(WORKER, reason="on leave", now=NOW)
        loaded.record_decision(
            WORKER,
            approver_id=ActorId("director-9"),
            role="commercial_director",
            outcome=DecisionOutcome.APPROVE,
            comment="fine",
            now=NOW,
        )
        uow.approvals.save(loaded)
        uow.commit()
    # when
    with uow_factory(ctx(tenant_a)) as uow:
        again = uow.approvals.get(case.id)
    # then
    assert again is not None
    assert ApprovalCaseView.of(again) == ApprovalCaseView.of(loaded)
    assert again.ladder == default_policy().levels


def test_a_case_saved_by_someone_else_meanwhile_is_stale(uow_factory: PostgresUnitOfWorkFactory, tenant_a: str) -> None:
    # given
    case = _stored_case(uow_factory, tenant_a)
    first, second = uow_factory(ctx(tenant_a)), uow_factory(ctx(tenant_a))
    with first, second:
        mine, theirs = first.approvals.get(case.id), second.approvals.get(case.id)
        assert mine is not None and theirs is not None
        mine.escalate(WORKER, reason="x", now=NOW)
        first.approvals.save(mine)
        first.commit()
        theirs.cancel(AGENT, reason="quote cancelled", now=NOW)
        # when / then
        with pytest.raises(StaleVersion):
            second.approvals.save(theirs)


def test_a_quote_has_at_most_one_open_case(uow_factory: PostgresUnitOfWorkFactory, tenant_a: str) -> None:
    # given
    case = _stored_case(uow_factory, tenant_a)
    assert case.quote_id
    with uow_factory(ctx(tenant_a)) as uow:
        quote = uow.quotes.get(case.quote_id)
        assert quote is not None and quote.approval_requirement is not None
        second = ApprovalCase.open(
            ApprovalCaseId(new_id("case")), quote.id, quote.approval_requirement, default_policy(), AGENT, NOW
        )
        # when / then
        with pytest.raises(Conflict):
            uow.approvals.add(second)


def test_the_schema_refuses_a_second_decision_by_the_same_approver(
    uow_factory: PostgresUnitOfWorkFactory, admin: psycopg.Connection[Any], tenant_a: str
) -> None:
    # given
    case = _stored_case(uow_factory, tenant_a)
    with uow_factory(ctx(tenant_a, MANAGER)) as uow:
        loaded = uow.approvals.get(case.id)
        assert loaded is not None
        loaded.record_decision(
            MANAGER,
            approver_id=MANAGER.id,
            role="sales_manager",
            outcome=DecisionOutcome.APPROVE,
            comment="",
            now=NOW,
        )
        uow.approvals.save(loaded)
        uow.commit()
    # when / then: even written around the domain, one person decides one level only
    with pytest.raises(psycopg.errors.UniqueViolation):
        admin.execute(
            "INSERT INTO approval_decision (tenant_id, case_id, level, role, approver_id, outcome, decided_at,"
            " recorded_by) VALUES (%s, %s, 2, 'commercial_director', %s, 'approve', now(), 'x')",
            (tenant_a, case.id, MANAGER.id),
        )
