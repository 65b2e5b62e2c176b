"""Installs and upgrades the engine's tables (schema ``engine``).

The engine is a library in its own right and must not need SQLAlchemy, so its migrations are
plain numbered SQL files applied in order under an advisory lock; ``engine.schema_version``
records which ran. The OMS's own tables use Alembic.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import psycopg

_LOCK_ID = 7_362_011  # advisory lock that serialises concurrent migrators


def _migrations() -> list[tuple[int, str]]:
    folder = resources.files("oms.engine.state") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


def migrate(conn: psycopg.Connection[Any]) -> list[int]:
    """Apply every migration not yet applied; return the versions applied now."""
    applied_now: list[int] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))
        conn.execute("CREATE SCHEMA IF NOT EXISTS engine")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS engine.schema_version"
            " (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {row[0] for row in conn.execute("SELECT version FROM engine.schema_version")}
        for version, script in _migrations():
            if version in done:
                continue
            conn.execute(script.encode())
            conn.execute("INSERT INTO engine.schema_version (version) VALUES (%s)", (version,))
            applied_now.append(version)
    return applied_now


ENGINE_TABLES = (
    "record",
    "incident",
    "message_correlation",
    "message_subscription",
    "message",
    "timer",
    "start_subscription",
    "signal_subscription",
    "job",
    "variable",
    "element_instance",
    "process_instance",
    "process_definition",
    "deployment",
)


def truncate_all(conn: psycopg.Connection[Any]) -> None:
    """Empty every engine table (test kit: a fresh engine per test on a shared database)."""
    tables = ", ".join(f"engine.{t}" for t in ENGINE_TABLES)
    with conn.transaction():
        conn.execute(f"TRUNCATE {tables}")  # names are constants above
