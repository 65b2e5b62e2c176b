"""PostgreSQL persistence of the OMS: Alembic migrations, repositories, the unit of work (psycopg 3),
the outbox and idempotency records. Tenant isolation twice: every statement filters by tenant,
and row-level security (forced, under the non-superuser role ``oms_app``) backs it up."""
