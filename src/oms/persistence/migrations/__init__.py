"""Alembic environment of the OMS schema (run through ``oms.persistence.migrate``)."""
