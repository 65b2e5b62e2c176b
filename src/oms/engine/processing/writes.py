"""Everything one command writes, gathered in memory and flushed in a few round trips at the end.

New rows go in with one ``INSERT`` per table, changed rows with batched ``UPDATE`` statements,
all sent in one pipeline (one round trip). The record log is appended by the same flush as the state it
describes, so the two cannot drift apart.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg

from oms.engine.records import Intent, ValueType
from oms.engine.state.json import dumps

_COLUMNS: dict[str, tuple[str, ...]] = {
    "record": ("key", "value_type", "intent", "process_instance_key", "element_id", "timestamp", "value"),
    "element_instance": (
        "key",
        "process_instance_key",
        "process_definition_key",
        "bpmn_process_id",
        "element_id",
        "element_type",
        "flow_scope_key",
        "state",
        "start_date",
        "end_date",
        "joins",
        "tenant_id",
    ),
    "variable": ("key", "process_instance_key", "scope_key", "name", "value", "tenant_id"),
    "job": (
        "key",
        "type",
        "state",
        "retries",
        "custom_headers",
        "process_instance_key",
        "element_instance_key",
        "element_id",
        "bpmn_process_id",
        "process_definition_key",
        "version",
        "scope_keys",
        "tenant_id",
        "created_at",
    ),
    "timer": (
        "key",
        "process_instance_key",
        "element_instance_key",
        "target_element_id",
        "due_date",
        "repetitions",
        "interval_spec",
        "state",
        "process_definition_key",
        "tenant_id",
    ),
    "message_subscription": (
        "key",
        "process_instance_key",
        "element_instance_key",
        "target_element_id",
        "bpmn_process_id",
        "process_definition_key",
        "message_name",
        "correlation_key",
        "interrupting",
        "state",
        "created_at",
        "tenant_id",
    ),
    "signal_subscription": (
        "key",
        "signal_name",
        "process_definition_key",
        "bpmn_process_id",
        "process_instance_key",
        "element_instance_key",
        "target_element_id",
        "interrupting",
        "state",
        "created_at",
        "tenant_id",
    ),
    "incident": (
        "key",
        "process_instance_key",
        "element_instance_key",
        "element_id",
        "job_key",
        "error_type",
        "error_message",
        "state",
        "bpmn_process_id",
        "process_definition_key",
        "tenant_id",
        "created_at",
    ),
    "process_instance": (
        "key",
        "process_definition_key",
        "bpmn_process_id",
        "version",
        "state",
        "tenant_id",
        "start_date",
        "parent_process_instance_key",
        "parent_element_instance_key",
    ),
}


@dataclass
class WriteBatch:
    inserts: dict[str, list[tuple[Any, ...]]] = field(default_factory=lambda: defaultdict(list))
    #: SQL text -> parameter rows, in first-seen order (updates run after the inserts).
    updates: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    notify_job_types: set[str] = field(default_factory=set)

    def insert(self, table: str, row: tuple[Any, ...]) -> None:
        self.inserts[table].append(row)

    def update(self, sql: str, params: tuple[Any, ...]) -> None:
        self.updates.setdefault(sql, []).append(params)

    def record(
        self,
        now: datetime,
        value_type: ValueType,
        intent: Intent,
        key: int,
        process_instance_key: int | None = None,
        element_id: str | None = None,
        value: dict[str, Any] | None = None,
    ) -> None:
        self.inserts["record"].append(
            (key, value_type.value, intent.value, process_instance_key, element_id, now, value or {})
        )

    def flush(self, conn: psycopg.Connection[Any]) -> None:
        """Send every write in one pipeline (one round trip). All new rows go in one statement: one
        data-modifying CTE per table whose rows travel as a single JSON document
        (``json_populate_recordset``), which costs far less than adapting every value of every row;
        the same statement announces the job types that got new jobs."""
        tables = tuple(table for table, rows in self.inserts.items() if rows)
        documents = [
            dumps([dict(zip(_COLUMNS[table], row, strict=True)) for row in self.inserts[table]]) for table in tables
        ]
        with conn.pipeline(), conn.cursor() as cur:
            if tables or self.notify_job_types:
                cur.execute(_insert_sql(tables), (*documents, sorted(self.notify_job_types)))
            for sql, params in self.updates.items():
                cur.executemany(sql, params)


@functools.cache
def _insert_sql(tables: tuple[str, ...]) -> str:
    parts = []
    for index, table in enumerate(tables):
        names = ", ".join(_COLUMNS[table])
        parts.append(
            f"i{index} AS (INSERT INTO engine.{table} ({names})"
            f" SELECT {names} FROM json_populate_recordset(NULL::engine.{table}, %s::json))"
        )
    with_clause = f"WITH {', '.join(parts)} " if parts else ""
    # Data-modifying CTEs run whether or not the outer query reads them.
    return f"{with_clause}SELECT pg_notify('engine_jobs', job_type) FROM unnest(%s::text[]) AS job_type"


def append_record(
    conn: psycopg.Connection[Any],
    now: datetime,
    value_type: ValueType,
    intent: Intent,
    key: int,
    *,
    process_instance_key: int | None = None,
    element_id: str | None = None,
    value: dict[str, Any] | None = None,
) -> None:
    """Append one record from a command that works outside an instance's ``ProcessingContext``
    (deployments, sweeps, job updates); instance commands use ``ctx.record``."""
    batch = WriteBatch()
    batch.record(now, value_type, intent, key, process_instance_key, element_id, value)
    batch.flush(conn)
