"""Order schema: product orders and items, fulfillment plans and tasks, cancel requests,
amendments, fallout cases, and the external call ledger.

Revision ID: 0002_order_schema
Revises: 0001_cpq_schema
Create Date: 2025-12-01

As in 0001, every table has ``tenant_id`` and a forced row-level security policy on the
transaction's ``oms.tenant_id``; the application runs as ``oms_app``. Nested parts the database
never queries inside (the order header, price snapshots, task results) are jsonb; whatever a list
filters or sorts by is a column with an index.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002_order_schema"
down_revision: str | None = "0001_cpq_schema"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ORDER_STATES = (
    "'acknowledged', 'rejected', 'pending', 'held', 'inProgress', 'cancelled', 'completed', 'failed', "
    "'partial', 'assessingCancellation', 'pendingCancellation'"
)
_FINAL_ORDER_STATES = "'rejected', 'cancelled', 'completed', 'failed', 'partial'"
_ITEM_STATES = (
    "'acknowledged', 'rejected', 'pending', 'held', 'inProgress', 'cancelled', 'completed', 'failed', "
    "'assessingCancellation', 'pendingCancellation'"
)
_AMENDMENT_STATUSES = "'assessing', 'accepted', 'applied', 'refused'"
_FALLOUT_CATEGORIES = "'dataError', 'resourceUnavailable', 'externalRejection', 'compensationFailed', 'other'"
_TASK_TYPES = (
    "'reserve-resource', 'release-resource', 'provision-service', 'modify-service', 'deprovision-service', "
    "'activate-billing', 'update-billing', 'deactivate-billing', 'ship-device', 'cancel-shipment', "
    "'schedule-installation', 'cancel-installation'"
)

TABLES = (
    f"""
    CREATE TABLE product_order (
        tenant_id                text          NOT NULL CHECK (tenant_id <> ''),
        id                       text          NOT NULL CHECK (id <> ''),
        state                    text          NOT NULL CHECK (state IN ({_ORDER_STATES})),
        order_date               timestamptz   NOT NULL,
        header                   jsonb         NOT NULL,
        quote_id                 text,
        external_id              text,
        currency                 text          CHECK (currency ~ '^[A-Z]{{3}}$'),
        one_time_total           numeric(18,2),
        recurring_monthly_total  numeric(18,2),
        order_lines              jsonb         NOT NULL DEFAULT '[]',
        rejection_reasons        jsonb         NOT NULL DEFAULT '[]',
        completion_date          timestamptz,
        cancellation_date        timestamptz,
        cancellation_reason      text,
        resume_state             text          CHECK (resume_state IN ({_ORDER_STATES})),
        fallout_holds            jsonb         NOT NULL DEFAULT '[]',
        amendment_status         text          CHECK (amendment_status IN ({_AMENDMENT_STATUSES})),
        amendment_request_id     text,
        cancellation_request_id  text,
        supplements_order_id     text,
        created_by               text          NOT NULL,
        updated_at               timestamptz   NOT NULL,
        version                  integer       NOT NULL CHECK (version >= 0),
        PRIMARY KEY (tenant_id, id),
        CHECK ((currency IS NULL) = (one_time_total IS NULL)),
        CHECK ((currency IS NULL) = (recurring_monthly_total IS NULL)),
        CHECK ((state = 'rejected') = (rejection_reasons <> '[]')),
        CHECK (state <> 'cancelled' OR cancellation_date IS NOT NULL),
        CHECK ((amendment_status IS NULL) = (amendment_request_id IS NULL)),
        FOREIGN KEY (tenant_id, supplements_order_id) REFERENCES product_order (tenant_id, id)
    )
    """,
    "CREATE INDEX product_order_by_date ON product_order (tenant_id, order_date DESC, id)",
    "CREATE INDEX product_order_by_state ON product_order (tenant_id, state, order_date DESC, id)",
    "CREATE INDEX product_order_by_quote ON product_order (tenant_id, quote_id) WHERE quote_id IS NOT NULL",
    "CREATE INDEX product_order_by_external_id ON product_order (tenant_id, external_id) WHERE external_id IS NOT NULL",
    f"""
    CREATE TABLE product_order_item (
        tenant_id         text     NOT NULL,
        order_id          text     NOT NULL,
        id                text     NOT NULL CHECK (id <> ''),
        position          integer  NOT NULL CHECK (position >= 0),
        action            text     NOT NULL CHECK (action IN ('add', 'modify', 'delete', 'noChange')),
        state             text     NOT NULL CHECK (state IN ({_ITEM_STATES})),
        offering_id       text,
        specification_id  text,
        characteristics   jsonb    NOT NULL DEFAULT '[]',
        quantity          integer  NOT NULL,
        product_id        text,
        price             jsonb,
        quote_item_id     text,
        parent_item_id    text,
        resume_state      text     CHECK (resume_state IN ({_ITEM_STATES})),
        PRIMARY KEY (tenant_id, order_id, id),
        UNIQUE (tenant_id, order_id, position),
        FOREIGN KEY (tenant_id, order_id) REFERENCES product_order (tenant_id, id) ON DELETE CASCADE
    )
    """,
    # The products the tenant's orders delivered (and act on): the inventory the order check consults.
    "CREATE INDEX product_order_item_by_product ON product_order_item (tenant_id, product_id)"
    " WHERE product_id IS NOT NULL",
    """
    CREATE TABLE fulfillment_plan (
        tenant_id         text         NOT NULL CHECK (tenant_id <> ''),
        id                text         NOT NULL CHECK (id <> ''),
        order_id          text         NOT NULL,
        purpose           text         NOT NULL CHECK (purpose IN ('fulfillment', 'compensation')),
        revision          integer      NOT NULL CHECK (revision >= 1),
        compensates_plan  text,
        created_at        timestamptz  NOT NULL,
        updated_at        timestamptz  NOT NULL,
        version           integer      NOT NULL CHECK (version >= 0),
        PRIMARY KEY (tenant_id, id),
        CHECK ((purpose = 'compensation') = (compensates_plan IS NOT NULL)),
        FOREIGN KEY (tenant_id, order_id) REFERENCES product_order (tenant_id, id),
        FOREIGN KEY (tenant_id, compensates_plan) REFERENCES fulfillment_plan (tenant_id, id)
    )
    """,
    "CREATE UNIQUE INDEX fulfillment_plan_one_per_order ON fulfillment_plan (tenant_id, order_id)"
    " WHERE purpose = 'fulfillment'",
    "CREATE INDEX fulfillment_plan_by_order ON fulfillment_plan (tenant_id, order_id)",
    f"""
    CREATE TABLE fulfillment_task (
        tenant_id           text         NOT NULL,
        plan_id             text         NOT NULL,
        id                  text         NOT NULL CHECK (id <> ''),
        position            integer      NOT NULL CHECK (position >= 0),
        order_id            text         NOT NULL,
        item_id             text         NOT NULL,
        task_type           text         NOT NULL CHECK (task_type IN ({_TASK_TYPES})),
        state               text         NOT NULL
                                         CHECK (state IN ('pending', 'inProgress', 'completed', 'failed', 'skipped')),
        depends_on          text[]       NOT NULL DEFAULT '{{}}',
        parameters          jsonb        NOT NULL DEFAULT '[]',
        compensates         text,
        run                 integer      NOT NULL CHECK (run >= 1),
        external_request    jsonb,
        technical_failures  integer      NOT NULL DEFAULT 0 CHECK (technical_failures >= 0),
        last_error          jsonb,
        result              jsonb,
        skip_reason         text,
        superseded_by       text,
        started_at          timestamptz,
        finished_at         timestamptz,
        PRIMARY KEY (tenant_id, plan_id, id),
        CHECK ((state = 'completed') = (result IS NOT NULL)),
        FOREIGN KEY (tenant_id, plan_id) REFERENCES fulfillment_plan (tenant_id, id) ON DELETE CASCADE
    )
    """,
    "CREATE INDEX fulfillment_task_by_order ON fulfillment_task (tenant_id, order_id, item_id)",
    """
    CREATE TABLE cancel_product_order (
        tenant_id                    text         NOT NULL CHECK (tenant_id <> ''),
        id                           text         NOT NULL CHECK (id <> ''),
        order_id                     text         NOT NULL,
        state                        text         NOT NULL
                                     CHECK (state IN ('acknowledged', 'inProgress', 'done', 'terminatedWithError')),
        reason                       text         NOT NULL DEFAULT '',
        requested_at                 timestamptz  NOT NULL,
        requested_by                 text         NOT NULL,
        requested_cancellation_date  timestamptz,
        effective_cancellation_date  timestamptz,
        outcome                      text         CHECK (outcome IN ('accepted', 'refused')),
        outcome_reason               text         NOT NULL DEFAULT '',
        compensation_plan_id         text,
        fallout_case_ids             jsonb        NOT NULL DEFAULT '[]',
        updated_at                   timestamptz  NOT NULL,
        version                      integer      NOT NULL CHECK (version >= 0),
        PRIMARY KEY (tenant_id, id),
        CHECK ((state = 'done') = (effective_cancellation_date IS NOT NULL)),
        CHECK (state NOT IN ('done', 'terminatedWithError') OR outcome IS NOT NULL),
        FOREIGN KEY (tenant_id, order_id) REFERENCES product_order (tenant_id, id),
        FOREIGN KEY (tenant_id, compensation_plan_id) REFERENCES fulfillment_plan (tenant_id, id)
            DEFERRABLE INITIALLY DEFERRED
    )
    """,
    "CREATE UNIQUE INDEX cancel_product_order_one_open_per_order ON cancel_product_order (tenant_id, order_id)"
    " WHERE state IN ('acknowledged', 'inProgress')",
    "CREATE INDEX cancel_product_order_by_order ON cancel_product_order (tenant_id, order_id, requested_at DESC)",
    "CREATE INDEX cancel_product_order_by_state ON cancel_product_order (tenant_id, state, requested_at DESC)",
    f"""
    CREATE TABLE product_order_amendment (
        tenant_id     text         NOT NULL CHECK (tenant_id <> ''),
        id            text         NOT NULL CHECK (id <> ''),
        order_id      text         NOT NULL,
        status        text         NOT NULL CHECK (status IN ({_AMENDMENT_STATUSES})),
        requested_at  timestamptz  NOT NULL,
        requested_by  text         NOT NULL,
        add_items     jsonb        NOT NULL DEFAULT '[]',
        modify_items  jsonb        NOT NULL DEFAULT '[]',
        remove_items  jsonb        NOT NULL DEFAULT '[]',
        price         jsonb,
        reasons       jsonb        NOT NULL DEFAULT '[]',
        updated_at    timestamptz  NOT NULL,
        version       integer      NOT NULL CHECK (version >= 0),
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, order_id) REFERENCES product_order (tenant_id, id)
    )
    """,
    "CREATE UNIQUE INDEX product_order_amendment_one_running ON product_order_amendment (tenant_id, order_id)"
    " WHERE status IN ('assessing', 'accepted')",
    f"""
    CREATE TABLE fallout_case (
        tenant_id     text         NOT NULL CHECK (tenant_id <> ''),
        id            text         NOT NULL CHECK (id <> ''),
        order_id      text         NOT NULL,
        plan_id       text         NOT NULL,
        task_id       text         NOT NULL,
        item_id       text         NOT NULL,
        category      text         NOT NULL CHECK (category IN ({_FALLOUT_CATEGORIES})),
        reason        text         NOT NULL,
        status        text         NOT NULL CHECK (status IN ('open', 'inRepair', 'resolved', 'cancelled')),
        opened_at     timestamptz  NOT NULL,
        opened_by     text         NOT NULL,
        repair_data   jsonb        NOT NULL DEFAULT '{{}}',
        assignee      text,
        repair        jsonb,
        closed_at     timestamptz,
        close_reason  text         NOT NULL DEFAULT '',
        updated_at    timestamptz  NOT NULL,
        version       integer      NOT NULL CHECK (version >= 0),
        PRIMARY KEY (tenant_id, id),
        CHECK ((status IN ('open', 'inRepair')) = (closed_at IS NULL)),
        CHECK (status <> 'inRepair' OR assignee IS NOT NULL),
        FOREIGN KEY (tenant_id, order_id) REFERENCES product_order (tenant_id, id),
        FOREIGN KEY (tenant_id, plan_id, task_id) REFERENCES fulfillment_task (tenant_id, plan_id, id)
    )
    """,
    # A redelivered failure of the same task must not open a second case while one is being repaired.
    "CREATE UNIQUE INDEX fallout_case_one_live_per_task ON fallout_case (tenant_id, plan_id, task_id)"
    " WHERE status IN ('open', 'inRepair')",
    "CREATE INDEX fallout_case_by_order ON fallout_case (tenant_id, order_id, opened_at DESC)",
    "CREATE INDEX fallout_case_by_status ON fallout_case (tenant_id, status, opened_at DESC)",
    """
    CREATE TABLE external_call_attempt (
        id                bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id         text         NOT NULL CHECK (tenant_id <> ''),
        target_system     text         NOT NULL CHECK (target_system <> ''),
        operation         text         NOT NULL CHECK (operation <> ''),
        idempotency_key   text         NOT NULL CHECK (idempotency_key <> ''),
        order_id          text,
        plan_id           text,
        task_id           text,
        request_payload   jsonb        NOT NULL DEFAULT '{}',
        response_payload  jsonb,
        status            text         NOT NULL DEFAULT 'pending'
                                       CHECK (status IN ('pending', 'succeeded', 'failed', 'unknown')),
        attempt_count     integer      NOT NULL DEFAULT 0 CHECK (attempt_count >= 0),
        last_error        text,
        correlation_id    text         NOT NULL,
        created_at        timestamptz  NOT NULL,
        updated_at        timestamptz  NOT NULL,
        completed_at      timestamptz,
        version           integer      NOT NULL DEFAULT 0 CHECK (version >= 0),
        CONSTRAINT external_call_attempt_once UNIQUE (tenant_id, target_system, operation, idempotency_key),
        CHECK ((status IN ('succeeded', 'failed')) = (completed_at IS NOT NULL))
    )
    """,
    "CREATE INDEX external_call_attempt_by_task ON external_call_attempt (tenant_id, plan_id, task_id)",
)

ORDER_TABLES = (
    "product_order",
    "product_order_item",
    "fulfillment_plan",
    "fulfillment_task",
    "cancel_product_order",
    "product_order_amendment",
    "fallout_case",
    "external_call_attempt",
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
    "GRANT SELECT, INSERT, UPDATE ON product_order, fulfillment_plan, fulfillment_task TO oms_app",
    "GRANT SELECT, INSERT, UPDATE ON cancel_product_order, product_order_amendment, fallout_case TO oms_app",
    "GRANT SELECT, INSERT, UPDATE ON external_call_attempt TO oms_app",
    # Items are rewritten as a whole when an order's items change; nothing else is ever deleted.
    "GRANT SELECT, INSERT, UPDATE, DELETE ON product_order_item TO oms_app",
    "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO oms_app",
)


def upgrade() -> None:
    statements = list(TABLES)
    for table in ORDER_TABLES:
        statements.extend(_isolation(table))
    statements.extend(GRANTS)
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    # Dependents first; the policies, indexes and grants go with their tables.
    for table in reversed(ORDER_TABLES):
        op.execute(f"DROP TABLE {table}")
