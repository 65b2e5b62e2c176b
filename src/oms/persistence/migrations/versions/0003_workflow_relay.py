"""Workflow relay: the cross-tenant relay role, callback identity on message correlations, and
notifications that wake the relay.

Revision ID: 0003_workflow_relay
Revises: 0002_order_schema
Create Date: 2025-11-24

The relay (``oms workflow-relay``) drains ``workflow_start_request`` and ``workflow_message_correlation``
of every tenant. It runs as ``oms_relay`` (NOLOGIN, no superuser, no BYPASSRLS, owns nothing), which
may see every tenant's rows of just the three workflow tables, and may change only the columns the
relay keeps. The exception lives in each table's one ``tenant_isolation`` policy (``OR current_user =
'oms_relay'``), so every tenant table keeps exactly one policy and every rule about who sees a row is in
it. ``current_user`` is the role of ``SET ROLE``: ``oms_app`` never matches it.

A callback recorded in ``workflow_message_correlation`` keeps the system it came from and the message
id it will be published with (derived from the callback's own id); one callback is one row.

Statement-level triggers ``NOTIFY oms_workflow_relay`` when a start request is written or a callback
is received; PostgreSQL delivers the notification at commit, so the relay wakes for committed rows
only and polls as a fallback.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003_workflow_relay"
down_revision: str | None = "0002_order_schema"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As for oms_app (0001): the role belongs to the server, may exist already, may be created in parallel.
_ROLE = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'oms_relay') THEN
        CREATE ROLE oms_relay NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$
"""

# The migrating login must be able to SET ROLE oms_relay (the relay usually connects as it); a
# deployment that gives the relay a login of its own grants oms_relay to that login only.
_MEMBERSHIP = """
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
       AND NOT pg_has_role(current_user, 'oms_relay', 'MEMBER') THEN
        BEGIN
            EXECUTE 'GRANT oms_relay TO ' || quote_ident(current_user);
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE EXCEPTION 'role % is not a member of oms_relay and may not grant it', current_user
                USING HINT = 'as a superuser: GRANT oms_relay TO ' || quote_ident(current_user);
        END;
    END IF;
END
$$
"""

_RELAY_TABLES = ("workflow_start_request", "workflow_instance_ref", "workflow_message_correlation")

_TENANT_OR_RELAY = "tenant_id = current_setting('oms.tenant_id', true) OR current_user = 'oms_relay'"

_CALLBACK_COLUMNS = (
    "ALTER TABLE workflow_message_correlation ADD COLUMN source_system text",
    "ALTER TABLE workflow_message_correlation ADD COLUMN message_id text",
    # One callback (its message id) is one row, whatever correlation key it names.
    """
    CREATE UNIQUE INDEX workflow_message_correlation_message_id
        ON workflow_message_correlation (tenant_id, message_id) WHERE message_id IS NOT NULL
    """,
    # A received row is due at once; the relay moves next_attempt_at on failures.
    "UPDATE workflow_message_correlation SET next_attempt_at = received_at"
    " WHERE status = 'received' AND next_attempt_at IS NULL",
)

_NOTIFY = (
    """
    CREATE FUNCTION oms_notify_workflow_relay() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify('oms_workflow_relay', TG_TABLE_NAME);
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER workflow_start_request_notify AFTER INSERT ON workflow_start_request
        FOR EACH STATEMENT EXECUTE FUNCTION oms_notify_workflow_relay()
    """,
    """
    CREATE TRIGGER workflow_message_correlation_notify AFTER INSERT OR UPDATE OF status
        ON workflow_message_correlation
        FOR EACH STATEMENT EXECUTE FUNCTION oms_notify_workflow_relay()
    """,
)

_GRANTS = (
    "GRANT USAGE ON SCHEMA public TO oms_relay",
    "GRANT SELECT ON workflow_start_request TO oms_relay",
    "GRANT UPDATE (status, attempt_count, last_error, next_attempt_at, process_instance_key, started_at)"
    " ON workflow_start_request TO oms_relay",
    "GRANT SELECT, INSERT ON workflow_instance_ref TO oms_relay",
    "GRANT UPDATE (status, updated_at, version) ON workflow_instance_ref TO oms_relay",
    "GRANT SELECT ON workflow_message_correlation TO oms_relay",
    "GRANT UPDATE (status, attempt_count, last_error, next_attempt_at, published_at)"
    " ON workflow_message_correlation TO oms_relay",
    "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO oms_relay",
)


def upgrade() -> None:
    statements = [_ROLE, _MEMBERSHIP, *_CALLBACK_COLUMNS, *_NOTIFY]
    for table in _RELAY_TABLES:
        statements.append(
            f"ALTER POLICY tenant_isolation ON {table} USING ({_TENANT_OR_RELAY}) WITH CHECK ({_TENANT_OR_RELAY})"
        )
    statements.extend(_GRANTS)
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("migrations carry change forward; restore a backup to go back")
