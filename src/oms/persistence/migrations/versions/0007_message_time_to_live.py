"""A time to live per application message.

Revision ID: 0007_message_time_to_live
Revises: 0006_reconciliation
Create Date: 2026-11-26

The process contract names how long some messages may wait, buffered, for their catch event
(``fallout.repaired``: 1 hour; ``order.provisioning.completed``: at least the 2 hours of the
provisioning timeout). The command that writes a message may now store it with the row
(``time_to_live_ms``); the message relay publishes with it, and with its own default (1 day) when it
is NULL (callbacks, and messages whose contract names none). The column is the writer's: ``oms_app``
inserts it (its grant is table-wide), ``oms_relay`` reads it (SELECT on the table) and never changes it.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007_message_time_to_live"
down_revision: str | None = "0006_reconciliation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "ALTER TABLE workflow_message_correlation ADD COLUMN time_to_live_ms bigint"
        " CONSTRAINT workflow_message_correlation_ttl_not_negative CHECK (time_to_live_ms >= 0)"
    )


def downgrade() -> None:
    op.execute("ALTER TABLE workflow_message_correlation DROP COLUMN time_to_live_ms")
