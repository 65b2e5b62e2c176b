"""The Alembic migration: every tenant table is isolated by a forced row-level security policy,
the application role cannot bypass it, and migrating is repeatable."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from alembic.script import ScriptDirectory

from oms.persistence.migrate import alembic_config, current_revision, migrate_database
from oms.persistence.tables import APP_ROLE, TENANT_TABLES, VERSION_TABLE


def test_every_table_but_alembics_own_is_a_tenant_table(admin: psycopg.Connection[Any]) -> None:
    # when
    tables = {r[0] for r in admin.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    # then
    assert tables == {*TENANT_TABLES, VERSION_TABLE}


@pytest.mark.parametrize("table", TENANT_TABLES)
def test_a_tenant_table_forces_row_level_security_on_tenant_id(table: str, admin: psycopg.Connection[Any]) -> None:
    # when
    enabled, forced = admin.execute(
        "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = %s::regclass", (table,)
    ).fetchone() or (None, None)
    policies = admin.execute(
        "SELECT policyname, qual, with_check FROM pg_policies WHERE schemaname = 'public' AND tablename = %s",
        (table,),
    ).fetchall()
    tenant_column = admin.execute(
        "SELECT is_nullable FROM information_schema.columns WHERE table_name = %s AND column_name = 'tenant_id'",
        (table,),
    ).fetchone()
    # then
    assert (enabled, forced) == (True, True)
    assert [(name, "oms.tenant_id" in qual, "oms.tenant_id" in check) for name, qual, check in policies] == [
        ("tenant_isolation", True, True)
    ]
    assert tenant_column == ("NO",)


def test_the_application_role_cannot_bypass_row_level_security(admin: psycopg.Connection[Any]) -> None:
    # when
    role = admin.execute(
        "SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = %s", (APP_ROLE,)
    ).fetchone()
    owned = admin.execute(
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s", (APP_ROLE,)
    ).fetchone()
    # then
    assert role == (False, False, False)
    assert owned == (0,)


def test_migrating_again_changes_nothing(database_url: str, admin: psycopg.Connection[Any]) -> None:
    # given
    head = current_revision(database_url)
    # when
    migrate_database(database_url)
    # then
    newest = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert current_revision(database_url) == head == newest
    assert admin.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchall() == [(newest,)]
    assert admin.execute("SELECT to_regclass('public.alembic_version')").fetchone() == (None,)


def test_the_application_role_cannot_rewrite_a_catalog_or_the_audit_trail(database_url: str) -> None:
    # given
    with psycopg.connect(database_url) as conn:
        conn.execute(f"SET ROLE {APP_ROLE}")
        # when / then: a catalog version is immutable, the audit trail append-only
        for statement in (
            "UPDATE catalog_version SET document = '{}'",
            "DELETE FROM catalog_version",
            "UPDATE audit_event SET action = 'x'",
            "DELETE FROM audit_event",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute(statement)
