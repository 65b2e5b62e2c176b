"""Approval cases can expire; amendments can need an operator's approval.

Revision ID: 0005_approval_expiry
Revises: 0004_workflow_messages
Create Date: 2026-11-24

- ``approval_case.state`` gains ``expired``: the quote-approval process closes a case nobody decided
  within seven days (``quote.approval.expire``). A closed case keeps ``closed_at`` (the existing
  check ``(state = 'open') = (closed_at IS NULL)`` covers it).
- ``product_order_amendment`` gains ``approval_required`` (set by an accepting assessment when the
  plan revision undoes work already done) and ``approval`` (the operator's decision: approved,
  decided by, decided at, comment). An amendment that requires approval is applied only once it
  is approved.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005_approval_expiry"
down_revision: str | None = "0004_workflow_messages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UPGRADE = (
    "ALTER TABLE approval_case DROP CONSTRAINT approval_case_state_check",
    "ALTER TABLE approval_case ADD CONSTRAINT approval_case_state_check"
    " CHECK (state IN ('open', 'approved', 'rejected', 'cancelled', 'expired'))",
    "ALTER TABLE product_order_amendment ADD COLUMN approval_required boolean NOT NULL DEFAULT false",
    "ALTER TABLE product_order_amendment ADD COLUMN approval jsonb",
    "ALTER TABLE product_order_amendment ADD CONSTRAINT product_order_amendment_approval_needs_requirement"
    " CHECK (approval IS NULL OR approval_required)",
)

_DOWNGRADE = (
    "ALTER TABLE product_order_amendment DROP CONSTRAINT product_order_amendment_approval_needs_requirement",
    "ALTER TABLE product_order_amendment DROP COLUMN approval",
    "ALTER TABLE product_order_amendment DROP COLUMN approval_required",
    # Fails, as it should, while an expired case exists.
    "ALTER TABLE approval_case DROP CONSTRAINT approval_case_state_check",
    "ALTER TABLE approval_case ADD CONSTRAINT approval_case_state_check"
    " CHECK (state IN ('open', 'approved', 'rejected', 'cancelled'))",
)


def upgrade() -> None:
    for statement in _UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in _DOWNGRADE:
        op.execute(statement)
