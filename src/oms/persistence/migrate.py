"""``oms migrate`` for the OMS tables: Alembic, driven from code.

The URL may be a ``postgresql://`` URL or a libpq conninfo string (``host=… dbname=…``, as
``oms.engine.postgres`` builds them), so the connection is made by psycopg itself and handed to
SQLAlchemy rather than parsed by SQLAlchemy."""

from __future__ import annotations

from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, pool

from oms.persistence.tables import VERSION_TABLE

_MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """The Alembic configuration of the OMS schema (e.g. ``command.revision(alembic_config(), "…")``)."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(_MIGRATIONS / "versions"))
    return config


def _engine(url: str) -> Engine:
    return create_engine("postgresql+psycopg://", creator=lambda: psycopg.connect(url), poolclass=pool.NullPool)


def migrate_database(url: str) -> None:
    """Bring the OMS schema at ``url`` up to the newest migration (a no-op when it is)."""
    engine = _engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    """The revision the database is at (None before the first migration)."""
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}).get_current_revision()
    finally:
        engine.dispose()
