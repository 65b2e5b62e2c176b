"""Approval case queries (for approvers' work lists and the workflow's workers)."""

from __future__ import annotations

from oms.application.errors import NotFound
from oms.application.unit_of_work import UnitOfWork
from oms.application.views import ApprovalCaseView


def get_approval_case(uow: UnitOfWork, case_id: str) -> ApprovalCaseView:
    case = uow.approvals.get(case_id)
    if case is None:
        raise NotFound.of("approvalCase", case_id)
    return ApprovalCaseView.of(case)
