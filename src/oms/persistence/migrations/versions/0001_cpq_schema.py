"""CPQ schema: catalog versions, quotes, approval cases, audit, outbox, idempotency, workflow requests.

Revision ID: 0001_cpq_schema
Revises:
Create Date: 2025-11-24

Every tenant table has ``tenant_id`` and row-level security, enabled **and forced**, with one
policy: a row is visible and writable only when its tenant_id is the transaction's
``oms.tenant_id`` setting. The OMS runs its transactions as ``oms_app`` (NOLOGIN, not a superuser,
not the owner), because superusers bypass row-level security even when it is forced.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0001_cpq_schema"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Roles belong to the whole server, not to one database. A DBA may have created the role already
# (then a migrator without CREATEROLE works too), and another database on the same server (a
# parallel test run) may be creating it at this very moment, hence the check and the handler.
_ROLE = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'oms_app') THEN
        CREATE ROLE oms_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$
"""

# The login role the OMS connects with must be able to SET ROLE oms_app: a superuser can, anyone
# else needs membership. A migrator with CREATEROLE grants it to itself; otherwise a DBA must.
_MEMBERSHIP = """
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
       AND NOT pg_has_role(current_user, 'oms_app', 'MEMBER') THEN
        BEGIN
            EXECUTE 'GRANT oms_app TO ' || quote_ident(current_user);
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE EXCEPTION 'role % is not a member of oms_app and may not grant it', current_user
                USING HINT = 'as a superuser: GRANT oms_app TO ' || quote_ident(current_user);
        END;
    END IF;
END
$$
"""

_STATES = "'inProgress', 'pending', 'approved', 'accepted', 'rejected', 'cancelled', 'expired'"
_FINAL_STATES = "'accepted', 'rejected', 'cancelled', 'expired'"

TABLES = (
    """
    CREATE TABLE catalog_version (
        tenant_id     text        NOT NULL CHECK (tenant_id <> ''),
        version       text        NOT NULL CHECK (version <> ''),
        currency      text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        document      jsonb       NOT NULL,
        active        boolean     NOT NULL DEFAULT false,
        loaded_at     timestamptz NOT NULL,
        loaded_by     text        NOT NULL,
        activated_at  timestamptz,
        PRIMARY KEY (tenant_id, version)
    )
    """,
    "CREATE UNIQUE INDEX catalog_version_one_active ON catalog_version (tenant_id) WHERE active",
    f"""
    CREATE TABLE quote (
        tenant_id               text          NOT NULL CHECK (tenant_id <> ''),
        id                      text          NOT NULL CHECK (id <> ''),
        customer_id             text          NOT NULL,
        state                   text          NOT NULL CHECK (state IN ({_STATES})),
        quote_version           integer       NOT NULL CHECK (quote_version >= 1),
        previous_quote_id       text,
        superseded_by           text,
        description             text          NOT NULL DEFAULT '',
        valid_from              timestamptz   NOT NULL,
        valid_until             timestamptz   NOT NULL,
        contract_term_months    integer       NOT NULL CHECK (contract_term_months >= 1),
        currency                text          NOT NULL CHECK (currency ~ '^[A-Z]{{3}}$'),
        catalog_version         text          NOT NULL,
        one_time_total          numeric(18,2) NOT NULL,
        recurring_monthly_total numeric(18,2) NOT NULL,
        price_summary           jsonb         NOT NULL,
        approval_case_id        text,
        approval_requirement    jsonb,
        authorizations          jsonb         NOT NULL DEFAULT '[]',
        created_by              text          NOT NULL,
        created_at              timestamptz   NOT NULL,
        submitted_at            timestamptz,
        completed_at            timestamptz,
        updated_at              timestamptz   NOT NULL,
        version                 integer       NOT NULL CHECK (version >= 0),
        PRIMARY KEY (tenant_id, id),
        CHECK (valid_until > valid_from),
        CHECK ((quote_version = 1) = (previous_quote_id IS NULL)),
        CHECK (state <> 'pending' OR approval_case_id IS NOT NULL),
        CHECK ((state IN ({_FINAL_STATES})) = (completed_at IS NOT NULL)),
        CONSTRAINT quote_one_successor UNIQUE (tenant_id, previous_quote_id),
        FOREIGN KEY (tenant_id, previous_quote_id) REFERENCES quote (tenant_id, id),
        FOREIGN KEY (tenant_id, superseded_by) REFERENCES quote (tenant_id, id) DEFERRABLE INITIALLY DEFERRED
    )
    """,
    "CREATE INDEX quote_by_created_at ON quote (tenant_id, created_at DESC, id)",
    "CREATE INDEX quote_by_customer ON quote (tenant_id, customer_id, created_at DESC)",
    f"CREATE INDEX quote_due_for_expiry ON quote (tenant_id, valid_until) WHERE state NOT IN ({_FINAL_STATES})",
    """
    CREATE TABLE quote_item (
        tenant_id       text    NOT NULL,
        quote_id        text    NOT NULL,
        id              text    NOT NULL CHECK (id <> ''),
        position        integer NOT NULL CHECK (position >= 0),
        offering_id     text    NOT NULL,
        quantity        integer NOT NULL CHECK (quantity >= 1),
        configuration   jsonb   NOT NULL,
        price_snapshot  jsonb   NOT NULL,
        PRIMARY KEY (tenant_id, quote_id, id),
        UNIQUE (tenant_id, quote_id, position),
        FOREIGN KEY (tenant_id, quote_id) REFERENCES quote (tenant_id, id) ON DELETE CASCADE
    )
    """,
    """
    CREATE TABLE approval_case (
        tenant_id      text        NOT NULL CHECK (tenant_id <> ''),
        id             text        NOT NULL CHECK (id <> ''),
        quote_id       text        NOT NULL,
        state          text        NOT NULL CHECK (state IN ('open', 'approved', 'rejected', 'cancelled')),
        levels         jsonb       NOT NULL,
        ladder         jsonb       NOT NULL,
        current_index  integer     NOT NULL CHECK (current_index >= 0),
        escalations    jsonb       NOT NULL DEFAULT '[]',
        opened_at      timestamptz NOT NULL,
        closed_at      timestamptz,
        version        integer     NOT NULL CHECK (version >= 0),
        PRIMARY KEY (tenant_id, id),
        CHECK ((state = 'open') = (closed_at IS NULL)),
        FOREIGN KEY (tenant_id, quote_id) REFERENCES quote (tenant_id, id)
    )
    """,
    "CREATE UNIQUE INDEX approval_case_one_open_per_quote ON approval_case (tenant_id, quote_id) WHERE state = 'open'",
    # The quote points at the case it waits for; both are written in one transaction, in either order.
    """
    ALTER TABLE quote ADD CONSTRAINT quote_approval_case_fk
        FOREIGN KEY (tenant_id, approval_case_id) REFERENCES approval_case (tenant_id, id)
        DEFERRABLE INITIALLY DEFERRED
    """,
    # One decision per level, and one level per approver (segregation of duties), here as in the domain.
    """
    CREATE TABLE approval_decision (
        tenant_id    text        NOT NULL,
        case_id      text        NOT NULL,
        level        integer     NOT NULL CHECK (level >= 1),
        role         text        NOT NULL,
        approver_id  text        NOT NULL CHECK (approver_id <> ''),
        outcome      text        NOT NULL CHECK (outcome IN ('approve', 'reject')),
        comment      text        NOT NULL DEFAULT '',
        decided_at   timestamptz NOT NULL,
        recorded_by  text        NOT NULL,
        PRIMARY KEY (tenant_id, case_id, level),
        CONSTRAINT approval_decision_one_level_per_approver UNIQUE (tenant_id, case_id, approver_id),
        FOREIGN KEY (tenant_id, case_id) REFERENCES approval_case (tenant_id, id) ON DELETE CASCADE
    )
    """,
    """
    CREATE TABLE audit_event (
        id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id       text        NOT NULL CHECK (tenant_id <> ''),
        occurred_at     timestamptz NOT NULL,
        actor_kind      text        NOT NULL,
        actor_id        text        NOT NULL,
        action          text        NOT NULL,
        aggregate_type  text        NOT NULL,
        aggregate_id    text        NOT NULL,
        before          jsonb,
        after           jsonb,
        correlation_id  text        NOT NULL,
        request_id      text        NOT NULL
    )
    """,
    "CREATE INDEX audit_event_by_aggregate ON audit_event (tenant_id, aggregate_type, aggregate_id, id)",
    """
    CREATE TABLE outbox_event (
        id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        position        bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
        tenant_id       text        NOT NULL CHECK (tenant_id <> ''),
        aggregate_type  text        NOT NULL,
        aggregate_id    text        NOT NULL,
        event_type      text        NOT NULL,
        payload         jsonb       NOT NULL,
        occurred_at     timestamptz NOT NULL,
        recorded_at     timestamptz NOT NULL,
        correlation_id  text        NOT NULL,
        request_id      text        NOT NULL,
        published_at    timestamptz,
        attempt_count   integer     NOT NULL DEFAULT 0 CHECK (attempt_count >= 0),
        last_error      text
    )
    """,
    "CREATE INDEX outbox_event_unpublished ON outbox_event (position) WHERE published_at IS NULL",
    """
    CREATE TABLE idempotency_record (
        tenant_id     text        NOT NULL CHECK (tenant_id <> ''),
        actor_id      text        NOT NULL,
        key           text        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
        request_hash  text        NOT NULL,
        result        jsonb,
        created_at    timestamptz NOT NULL,
        completed_at  timestamptz,
        PRIMARY KEY (tenant_id, actor_id, key),
        CHECK ((result IS NULL) = (completed_at IS NULL))
    )
    """,
    """
    CREATE TABLE workflow_start_request (
        id                    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id             text        NOT NULL CHECK (tenant_id <> ''),
        workflow_type         text        NOT NULL,
        business_key          text        NOT NULL,
        aggregate_type        text        NOT NULL,
        aggregate_id          text        NOT NULL,
        variables             jsonb       NOT NULL DEFAULT '{}',
        status                text        NOT NULL DEFAULT 'pending'
                                          CHECK (status IN ('pending', 'started', 'failed')),
        attempt_count         integer     NOT NULL DEFAULT 0 CHECK (attempt_count >= 0),
        last_error            text,
        next_attempt_at       timestamptz NOT NULL,
        process_instance_key  bigint,
        correlation_id        text        NOT NULL,
        created_at            timestamptz NOT NULL,
        started_at            timestamptz,
        CONSTRAINT workflow_start_request_once UNIQUE (tenant_id, workflow_type, business_key),
        CHECK ((status = 'started') = (process_instance_key IS NOT NULL))
    )
    """,
    "CREATE INDEX workflow_start_request_due ON workflow_start_request (next_attempt_at) WHERE status = 'pending'",
    """
    CREATE TABLE workflow_instance_ref (
        id                          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id                   text        NOT NULL CHECK (tenant_id <> ''),
        aggregate_type              text        NOT NULL,
        aggregate_id                text        NOT NULL,
        workflow_type               text        NOT NULL,
        business_key                text        NOT NULL,
        bpmn_process_id             text        NOT NULL,
        process_definition_key      bigint      NOT NULL,
        process_definition_version  integer     NOT NULL,
        process_instance_key        bigint      NOT NULL,
        status                      text        NOT NULL DEFAULT 'active'
                                                CHECK (status IN ('active', 'completed', 'terminated', 'incident')),
        created_at                  timestamptz NOT NULL,
        updated_at                  timestamptz NOT NULL,
        version                     integer     NOT NULL DEFAULT 0 CHECK (version >= 0),
        CONSTRAINT workflow_instance_ref_once
            UNIQUE (tenant_id, aggregate_type, aggregate_id, workflow_type, business_key),
        UNIQUE (tenant_id, process_instance_key)
    )
    """,
    """
    CREATE TABLE workflow_message_correlation (
        id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id         text        NOT NULL CHECK (tenant_id <> ''),
        message_name      text        NOT NULL,
        correlation_key   text        NOT NULL,
        status            text        NOT NULL DEFAULT 'expected'
                                      CHECK (status IN ('expected', 'received', 'published', 'failed')),
        variables         jsonb       NOT NULL DEFAULT '{}',
        attempt_count     integer     NOT NULL DEFAULT 0 CHECK (attempt_count >= 0),
        last_error        text,
        next_attempt_at   timestamptz,
        correlation_id    text        NOT NULL,
        expected_at       timestamptz,
        received_at       timestamptz,
        published_at      timestamptz,
        CONSTRAINT workflow_message_correlation_once UNIQUE (tenant_id, message_name, correlation_key)
    )
    """,
    """
    CREATE INDEX workflow_message_correlation_due ON workflow_message_correlation (next_attempt_at)
        WHERE status = 'received'
    """,
)

_TENANT_TABLES = (
    "catalog_version",
    "quote",
    "quote_item",
    "approval_case",
    "approval_decision",
    "audit_event",
    "outbox_event",
    "idempotency_record",
    "workflow_start_request",
    "workflow_instance_ref",
    "workflow_message_correlation",
)


def _isolation(table: str) -> tuple[str, ...]:
    # current_setting(..., true) is NULL when no tenant was set: then no row matches, nothing leaks.
    return (
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"""
        CREATE POLICY tenant_isolation ON {table}
            USING (tenant_id = current_setting('oms.tenant_id', true))
            WITH CHECK (tenant_id = current_setting('oms.tenant_id', true))
        """,
    )


GRANTS = (
    "GRANT USAGE ON SCHEMA public TO oms_app",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON quote, quote_item, approval_case, approval_decision TO oms_app",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_record TO oms_app",
    "GRANT SELECT, INSERT, UPDATE ON workflow_start_request, workflow_instance_ref TO oms_app",
    "GRANT SELECT, INSERT, UPDATE ON workflow_message_correlation, outbox_event TO oms_app",
    # A catalog version is immutable: only its activation may change.
    "GRANT SELECT, INSERT ON catalog_version TO oms_app",
    "GRANT UPDATE (active, activated_at) ON catalog_version TO oms_app",
    # The audit trail is append-only for the application.
    "GRANT SELECT, INSERT ON audit_event TO oms_app",
    "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO oms_app",
)


def upgrade() -> None:
    statements = [_ROLE, _MEMBERSHIP, *TABLES]
    for table in _TENANT_TABLES:
        statements.extend(_isolation(table))
    statements.extend(GRANTS)
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("migrations carry change forward; restore a backup to go back")
