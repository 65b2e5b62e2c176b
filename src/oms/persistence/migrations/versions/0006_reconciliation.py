"""Reconciliation: operational alerts for persisting incidents, the findings of the scheduler, and
the scheduler's read-only cross-tenant role.

Revision ID: 0006_reconciliation
Revises: 0005_approval_expiry
Create Date: 2026-11-25

- ``operational_alert``: an incident of one of the OMS's process instances that lasted longer than
  the policy's threshold. One alert per incident (``UNIQUE (tenant_id, incident_key)``); it closes
  when the incident is resolved or gone. An alert is technical: it never is a fallout case.
- ``reconciliation_finding``: a drift between the engine and the database found by ``oms
  scheduler`` (kind, aggregate, instance, what exactly drifted as ``subject``, detail), when it was
  found and last seen, and how it ended: repaired by the scheduler (``repaired_at``, ``repair``) or
  cleared (no longer observed, ``cleared_at``). At most one open finding per (tenant, kind, subject).

Both are tenant tables with the usual forced ``tenant_isolation`` policy; ``oms_app`` writes them
(the scheduler records through application commands, in the finding's tenant).

``oms_scheduler`` (NOLOGIN, no superuser, no BYPASSRLS, owns nothing; the migrating login is granted
membership, as for ``oms_relay``) lets the scheduler *find* drift across tenants. It may only read:
``workflow_instance_ref`` and ``workflow_start_request`` (which instance belongs to which aggregate,
with which routing ids), four columns of ``product_order`` (tenant, id, state, updated_at), and the
two tables above. Each of those tables' one policy gets ``OR current_user = 'oms_scheduler'`` in its
USING clause only: the WITH CHECK clause stays as it was, so the role could not write a row of
another tenant even if it were granted a write. Every repair runs as ``oms_app`` in the tenant.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006_reconciliation"
down_revision: str | None = "0005_approval_expiry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROLE = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'oms_scheduler') THEN
        CREATE ROLE oms_scheduler NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$
"""

_MEMBERSHIP = """
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
       AND NOT pg_has_role(current_user, 'oms_scheduler', 'MEMBER') THEN
        BEGIN
            EXECUTE 'GRANT oms_scheduler TO ' || quote_ident(current_user);
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE EXCEPTION 'role % is not a member of oms_scheduler and may not grant it', current_user
                USING HINT = 'as a superuser: GRANT oms_scheduler TO ' || quote_ident(current_user);
        END;
    END IF;
END
$$
"""

_FINDING_KINDS = (
    "'processEndedOrderInProgress', 'orderClosedProcessActive', 'jobRetriedForCompletedTask', "
    "'incidentWithoutAlert', 'variableMismatch', 'instanceMissing', 'startNotRelayed'"
)

_TABLES = (
    """
    CREATE TABLE operational_alert (
        id                    bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id             text         NOT NULL CHECK (tenant_id <> ''),
        order_id              text,
        aggregate_type        text         NOT NULL,
        aggregate_id          text         NOT NULL,
        workflow_type         text         NOT NULL,
        process_instance_key  bigint       NOT NULL,
        incident_key          bigint       NOT NULL,
        kind                  text         NOT NULL CHECK (kind <> ''),
        element_id            text         NOT NULL,
        error_message         text         NOT NULL DEFAULT '',
        incident_created_at   timestamptz  NOT NULL,
        opened_at             timestamptz  NOT NULL,
        closed_at             timestamptz,
        close_reason          text         CHECK (close_reason IN ('incidentResolved', 'incidentGone')),
        CONSTRAINT operational_alert_once UNIQUE (tenant_id, incident_key),
        CHECK ((closed_at IS NULL) = (close_reason IS NULL))
    )
    """,
    "CREATE INDEX operational_alert_by_order ON operational_alert (tenant_id, order_id, opened_at DESC)",
    "CREATE INDEX operational_alert_open ON operational_alert (tenant_id, id) WHERE closed_at IS NULL",
    f"""
    CREATE TABLE reconciliation_finding (
        id                    bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id             text         NOT NULL CHECK (tenant_id <> ''),
        kind                  text         NOT NULL CHECK (kind IN ({_FINDING_KINDS})),
        aggregate_type        text         NOT NULL,
        aggregate_id          text         NOT NULL,
        process_instance_key  bigint,
        subject               text         NOT NULL CHECK (subject <> ''),
        detail                jsonb        NOT NULL DEFAULT '{{}}',
        found_at              timestamptz  NOT NULL,
        last_seen_at          timestamptz  NOT NULL,
        repaired_at           timestamptz,
        repair                text,
        repair_error          text,
        cleared_at            timestamptz,
        CHECK ((repaired_at IS NULL) = (repair IS NULL)),
        CHECK (repaired_at IS NULL OR cleared_at IS NULL)
    )
    """,
    "CREATE UNIQUE INDEX reconciliation_finding_open ON reconciliation_finding (tenant_id, kind, subject)"
    " WHERE repaired_at IS NULL AND cleared_at IS NULL",
    # The instances of an order are found by the orderId of their start requests (incident view, scheduler).
    "CREATE INDEX workflow_start_request_by_order ON workflow_start_request (tenant_id, (variables ->> 'orderId'))",
    "CREATE INDEX reconciliation_finding_by_aggregate"
    " ON reconciliation_finding (tenant_id, aggregate_id, found_at DESC)",
)

_NEW_TENANT_TABLES = ("operational_alert", "reconciliation_finding")
_TENANT = "tenant_id = current_setting('oms.tenant_id', true)"
_TENANT_OR_SCHEDULER = f"{_TENANT} OR current_user = 'oms_scheduler'"
_RELAY_TENANT_OR_SCHEDULER = f"{_TENANT} OR current_user = 'oms_relay' OR current_user = 'oms_scheduler'"

_POLICIES = (
    *(
        statement
        for table in _NEW_TENANT_TABLES
        for statement in (
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
            f"CREATE POLICY tenant_isolation ON {table} USING ({_TENANT_OR_SCHEDULER}) WITH CHECK ({_TENANT})",
        )
    ),
    f"ALTER POLICY tenant_isolation ON workflow_instance_ref USING ({_RELAY_TENANT_OR_SCHEDULER})",
    f"ALTER POLICY tenant_isolation ON workflow_start_request USING ({_RELAY_TENANT_OR_SCHEDULER})",
    f"ALTER POLICY tenant_isolation ON product_order USING ({_TENANT_OR_SCHEDULER})",
)

_GRANTS = (
    "GRANT SELECT, INSERT, UPDATE ON operational_alert, reconciliation_finding TO oms_app",
    "GRANT USAGE ON SCHEMA public TO oms_scheduler",
    "GRANT SELECT ON workflow_instance_ref, workflow_start_request TO oms_scheduler",
    "GRANT SELECT (tenant_id, id, state, updated_at) ON product_order TO oms_scheduler",
    "GRANT SELECT ON operational_alert, reconciliation_finding TO oms_scheduler",
    "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO oms_app",
)

_RELAY_POLICY = f"{_TENANT} OR current_user = 'oms_relay'"


def upgrade() -> None:
    for statement in (_ROLE, _MEMBERSHIP, *_TABLES, *_POLICIES, *_GRANTS):
        op.execute(statement)


def downgrade() -> None:
    for statement in (
        f"ALTER POLICY tenant_isolation ON workflow_instance_ref USING ({_RELAY_POLICY})",
        f"ALTER POLICY tenant_isolation ON workflow_start_request USING ({_RELAY_POLICY})",
        f"ALTER POLICY tenant_isolation ON product_order USING ({_TENANT})",
        "REVOKE ALL ON workflow_instance_ref, workflow_start_request, product_order FROM oms_scheduler",
        "DROP INDEX workflow_start_request_by_order",
        "DROP TABLE reconciliation_finding",
        "DROP TABLE operational_alert",
        "REVOKE USAGE ON SCHEMA public FROM oms_scheduler",
    ):
        op.execute(statement)
