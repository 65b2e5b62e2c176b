"""The PostgreSQL unit of work: one transaction on a pooled connection.

On entry it switches the transaction to the application role and sets the tenant, both with
``set_config(…, is_local => true)`` so they end with the transaction and never leak to the next
user of the pooled connection:

    SELECT set_config('role', 'oms_app', true), set_config('oms.tenant_id', <tenant>, true)

From then on row-level security filters every statement by tenant, whatever the SQL says.
``commit`` first moves the events of every aggregate the repositories saw into the outbox, then
commits; leaving the block without ``commit`` rolls everything back."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Any, Self

import psycopg
from psycopg_pool import ConnectionPool

from oms.application.clock import Clock, SystemClock
from oms.application.context import RequestContext
from oms.application.outbox import OutboxMessage, to_outbox_message
from oms.application.unit_of_work import UnitOfWorkFactory
from oms.domain.shared.time import require_utc
from oms.persistence.idempotency import PostgresIdempotencyRecords
from oms.persistence.outbox import write_outbox
from oms.persistence.repositories.alerts import PostgresOperationalAlerts, PostgresWorkflowInstanceRefs
from oms.persistence.repositories.amendment import PostgresAmendmentRepository
from oms.persistence.repositories.approval import PostgresApprovalCaseRepository
from oms.persistence.repositories.audit import PostgresAuditTrail
from oms.persistence.repositories.cancellation import PostgresCancellationRepository
from oms.persistence.repositories.catalog import CatalogCache, PostgresCatalogRepository
from oms.persistence.repositories.external_calls import PostgresCallbackReceipts, PostgresExternalCallLedger
from oms.persistence.repositories.fallout import PostgresFalloutCaseRepository
from oms.persistence.repositories.fulfillment import PostgresFulfillmentPlanRepository
from oms.persistence.repositories.order import PostgresOrderRepository
from oms.persistence.repositories.quote import PostgresQuoteRepository
from oms.persistence.repositories.reconciliation import PostgresReconciliationFindings
from oms.persistence.repositories.workflow import PostgresWorkflowMessages, PostgresWorkflowStartRequests
from oms.persistence.session import Session
from oms.persistence.tables import APP_ROLE, TENANT_SETTING


class UnsavedChanges(RuntimeError):
    """A command changed an aggregate but did not save it: a programming error, caught at commit
    so that its events never reach the outbox without the change they describe."""


class PostgresUnitOfWork:
    def __init__(
        self, pool: ConnectionPool, context: RequestContext, clock: Clock, ids: Callable[[], str], cache: CatalogCache
    ) -> None:
        self._pool = pool
        self._context = context
        self._clock = clock
        self._ids = ids
        self._cache = cache
        self._conn: psycopg.Connection[Any] | None = None
        self._session: Session | None = None
        self._committed = False

    # -- the transaction --------------------------------------------------------------------------

    def __enter__(self) -> Self:
        conn = self._pool.getconn()
        try:
            conn.execute(
                "SELECT set_config('role', %s, true), set_config(%s, %s, true)",
                (APP_ROLE, TENANT_SETTING, self._context.tenant_id),
            )
            now = require_utc(self._clock.now(), "clock.now()")
        except BaseException:
            conn.rollback()
            self._pool.putconn(conn)
            raise
        self._conn = conn
        self._session = Session(conn, self._context.tenant_id, self._context.actor.id, now)
        self.quotes = PostgresQuoteRepository(self._session)
        self.approvals = PostgresApprovalCaseRepository(self._session)
        self.catalogs = PostgresCatalogRepository(self._session, self._cache)
        self.orders = PostgresOrderRepository(self._session)
        self.plans = PostgresFulfillmentPlanRepository(self._session)
        self.cancellations = PostgresCancellationRepository(self._session)
        self.amendments = PostgresAmendmentRepository(self._session)
        self.fallout_cases = PostgresFalloutCaseRepository(self._session)
        self.idempotency = PostgresIdempotencyRecords(self._session)
        self.audit = PostgresAuditTrail(self._session, self._context)
        self.workflow_starts = PostgresWorkflowStartRequests(self._session, self._context.correlation_id)
        self.workflow_messages = PostgresWorkflowMessages(self._session, self._context.correlation_id)
        self.workflow_instances = PostgresWorkflowInstanceRefs(self._session)
        self.operational_alerts = PostgresOperationalAlerts(self._session)
        self.reconciliation_findings = PostgresReconciliationFindings(self._session)
        self.external_calls = PostgresExternalCallLedger(self._session, self._context.correlation_id)
        self.callback_receipts = PostgresCallbackReceipts(self._session, self._context.correlation_id)
        return self

    def commit(self) -> None:
        session = self._require_session()
        write_outbox(session, self._context, self._collect_events(session))
        session.conn.commit()
        self._committed = True

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        conn, self._conn, self._session = self._conn, None, None
        if conn is None:
            return
        try:
            if not self._committed:
                conn.rollback()
        finally:
            self._pool.putconn(conn)

    # -- what commands see ------------------------------------------------------------------------

    @property
    def context(self) -> RequestContext:
        return self._context

    @property
    def now(self) -> datetime:
        return self._require_session().now

    @property
    def connection(self) -> psycopg.Connection[Any]:
        """The transaction's connection, for tests and raw reads under the tenant's role."""
        return self._require_session().conn

    def new_id(self) -> str:
        return self._ids()

    def _require_session(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is not open; use it in a with block")
        return self._session

    def _collect_events(self, session: Session) -> list[OutboxMessage]:
        messages: list[OutboxMessage] = []
        for seen in session.seen.values():
            if seen.aggregate.pending_events and seen.aggregate.version != seen.stored_version:
                raise UnsavedChanges(
                    f"{seen.aggregate_type} {seen.aggregate_id!r} changed (version {seen.aggregate.version}) "
                    f"but the database holds version {seen.stored_version}; save it before commit"
                )
            messages.extend(
                to_outbox_message(event, seen.aggregate_type, seen.aggregate_id, session.now)
                for event in seen.aggregate.pull_events()
            )
        return messages


class PostgresUnitOfWorkFactory:
    """``UnitOfWorkFactory`` over a connection pool: ``factory(ctx)`` gives a new unit of work."""

    def __init__(
        self, pool: ConnectionPool, *, clock: Clock | None = None, ids: Callable[[], str] | None = None
    ) -> None:
        self._pool = pool
        self._clock = clock or SystemClock()
        self._ids = ids or (lambda: str(uuid.uuid4()))
        self._cache = CatalogCache()

    def __call__(self, context: RequestContext) -> PostgresUnitOfWork:
        return PostgresUnitOfWork(self._pool, context, self._clock, self._ids, self._cache)


def unit_of_work_factory(
    pool: ConnectionPool, *, clock: Clock | None = None, ids: Callable[[], str] | None = None
) -> UnitOfWorkFactory:
    """The factory, typed as the application's protocol (mypy checks that it conforms)."""
    return PostgresUnitOfWorkFactory(pool, clock=clock, ids=ids)
