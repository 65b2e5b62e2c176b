"""What commands need from persistence, as protocols: one unit of work per transaction, with the
repositories of the aggregates, the audit trail, idempotency records, workflow start requests and
the messages for waiting processes.

The implementation (``oms.persistence.unit_of_work``) opens one PostgreSQL transaction as the
application role with the context's tenant set, so row-level security applies to every statement.
``commit`` also writes the events raised by every aggregate the repositories saw to the outbox."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from oms.application.context import RequestContext
from oms.application.order_repositories import (
    AmendmentRepository,
    CancellationRepository,
    FalloutCaseRepository,
    FulfillmentPlanRepository,
    OrderRepository,
)
from oms.application.queries.criteria import PageRequest, QuoteFilter
from oms.application.views import CatalogVersionView, QuoteSummary
from oms.application.workflow import WorkflowMessage, WorkflowStartRequest
from oms.domain.approval.case import ApprovalCase
from oms.domain.catalog.catalog import Catalog
from oms.domain.quote.model import Quote
from oms.domain.shared.ids import QuoteId

Json = dict[str, Any]


class QuoteRepository(Protocol):
    def get(self, quote_id: str) -> Quote | None: ...

    def add(self, quote: Quote) -> None: ...

    def save(self, quote: Quote) -> None:
        """Raises ``StaleVersion`` when the stored version is no longer the one loaded."""
        ...

    def search(self, criteria: QuoteFilter, page: PageRequest) -> tuple[list[QuoteSummary], int]:
        """A page of matches (newest first) and the number of all matches."""
        ...

    def due_for_expiry(self, now: datetime, limit: int) -> list[QuoteId]: ...


class ApprovalCaseRepository(Protocol):
    def get(self, case_id: str) -> ApprovalCase | None: ...

    def add(self, case: ApprovalCase) -> None: ...

    def save(self, case: ApprovalCase) -> None: ...


class CatalogRepository(Protocol):
    def load(self, version: str | None = None) -> Catalog | None:
        """The catalog ``version``, or the active one when ``version`` is None."""
        ...

    def find(self, version: str | None = None) -> CatalogVersionView | None: ...

    def versions(self) -> list[CatalogVersionView]: ...

    def add(self, catalog: Catalog) -> None: ...

    def activate(self, version: str) -> None: ...


class IdempotencyRecords(Protocol):
    def claim(self, key: str, request_hash: str) -> tuple[str, Json | None] | None:
        """Claim ``key`` for this transaction: None when it is new (the caller goes on and calls
        ``complete``), else the stored (request hash, result). Waits while another transaction
        holds the same key, so two concurrent requests never both run the command."""
        ...

    def complete(self, key: str, result: Json) -> None: ...


class AuditTrail(Protocol):
    def record(
        self, action: str, aggregate_type: str, aggregate_id: str, before: Json | None, after: Json | None
    ) -> None:
        """Who (the context's actor) did what, when (the transaction's time), before and after."""
        ...


class WorkflowStartRequests(Protocol):
    def request(self, start: WorkflowStartRequest) -> bool:
        """True when written now, False when the same (workflow type, business key) was asked before."""
        ...


class WorkflowMessages(Protocol):
    def publish(self, message: WorkflowMessage) -> bool:
        """Queue ``message`` for the relay; True when written now, False when its id was written before."""
        ...


class UnitOfWork(Protocol):
    @property
    def context(self) -> RequestContext: ...

    @property
    def now(self) -> datetime:
        """The transaction's time, read once from the injected clock (like PostgreSQL's now())."""
        ...

    @property
    def quotes(self) -> QuoteRepository: ...

    @property
    def approvals(self) -> ApprovalCaseRepository: ...

    @property
    def catalogs(self) -> CatalogRepository: ...

    @property
    def orders(self) -> OrderRepository: ...

    @property
    def plans(self) -> FulfillmentPlanRepository: ...

    @property
    def cancellations(self) -> CancellationRepository: ...

    @property
    def amendments(self) -> AmendmentRepository: ...

    @property
    def fallout_cases(self) -> FalloutCaseRepository: ...

    @property
    def idempotency(self) -> IdempotencyRecords: ...

    @property
    def audit(self) -> AuditTrail: ...

    @property
    def workflow_starts(self) -> WorkflowStartRequests: ...

    @property
    def workflow_messages(self) -> WorkflowMessages: ...

    def new_id(self) -> str: ...

    def commit(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Rolls back unless ``commit`` ran."""
        ...


UnitOfWorkFactory = Callable[[RequestContext], UnitOfWork]
