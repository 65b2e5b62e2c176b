"""Names the schema and the code share. The tables themselves are defined by the migrations
(``migrations/versions``), in plain SQL."""

from __future__ import annotations

from typing import Final

# The role every OMS transaction runs as (SET LOCAL ROLE). Not a superuser and not the tables'
# owner, so row-level security always applies to it.
APP_ROLE: Final = "oms_app"

# The transaction-local setting that row-level security policies compare tenant_id with.
TENANT_SETTING: Final = "oms.tenant_id"

# Alembic's bookkeeping table for the OMS schema; the engine keeps its own (engine.schema_version).
VERSION_TABLE: Final = "oms_alembic_version"

# Every table holding tenant data: each has tenant_id and a forced row-level security policy.
CPQ_TENANT_TABLES: Final = (
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

# The order part (migration 0002_order_schema).
ORDER_TENANT_TABLES: Final = (
    "product_order",
    "product_order_item",
    "fulfillment_plan",
    "fulfillment_task",
    "cancel_product_order",
    "product_order_amendment",
    "fallout_case",
    "external_call_attempt",
)

# Operations (migration 0006_reconciliation): alerts of persisting incidents, the scheduler's findings.
OPERATIONS_TENANT_TABLES: Final = ("operational_alert", "reconciliation_finding")

TENANT_TABLES: Final = (*CPQ_TENANT_TABLES, *ORDER_TENANT_TABLES, *OPERATIONS_TENANT_TABLES)

# The scheduler's read-only role: it finds drift across tenants; its repairs run as APP_ROLE.
SCHEDULER_ROLE: Final = "oms_scheduler"
