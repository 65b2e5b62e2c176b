"""Alembic environment: runs the OMS migrations on the connection ``migrate_database`` hands over
(``config.attributes["connection"]``), or on ``sqlalchemy.url`` when Alembic is run by hand.

All pending migrations run in one transaction under an advisory lock, so two processes that
migrate the same database at once apply each migration exactly once."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, pool, text

from oms.persistence.tables import VERSION_TABLE

_LOCK_ID = 7_362_012  # the engine's migrator uses 7_362_011


def _run(connection: Connection) -> None:
    context.configure(connection=connection, version_table=VERSION_TABLE, transactional_ddl=True)
    with context.begin_transaction():
        connection.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": _LOCK_ID})
        context.run_migrations()


def _run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no connection given and no sqlalchemy.url configured")
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            _run(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"), version_table=VERSION_TABLE, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    _run_online()
