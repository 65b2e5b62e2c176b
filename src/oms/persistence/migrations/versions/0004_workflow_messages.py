"""Messages the application publishes to waiting processes, beside the callbacks.

Revision ID: 0004_workflow_messages
Revises: 0003_workflow_relay
Create Date: 2026-11-24

Application commands write the messages a process waits for (an approval decision, a repaired
fallout case, an accepted cancellation, a finished provisioning step) into
``workflow_message_correlation`` in their own transaction, for the workflow relay to publish after
commit, exactly like callbacks. Such a row is identified by its message id, not by (name, key): a
multi-level approval answers the same approval case more than once. So "one answer per (tenant,
message name, correlation key)" now holds only for callbacks and the rows a worker expects them on
(``source_system`` set, or no message id yet); every row with a message id is unique by it (0003).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004_workflow_messages"
down_revision: str | None = "0003_workflow_relay"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UPGRADE = (
    "ALTER TABLE workflow_message_correlation DROP CONSTRAINT workflow_message_correlation_once",
    """
    CREATE UNIQUE INDEX workflow_message_correlation_answer_once
        ON workflow_message_correlation (tenant_id, message_name, correlation_key)
        WHERE source_system IS NOT NULL OR message_id IS NULL
    """,
)


def upgrade() -> None:
    for statement in _UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    # Fails, as it should, once two application messages share a name and key.
    op.execute("DROP INDEX workflow_message_correlation_answer_once")
    op.execute(
        "ALTER TABLE workflow_message_correlation ADD CONSTRAINT workflow_message_correlation_once"
        " UNIQUE (tenant_id, message_name, correlation_key)"
    )
