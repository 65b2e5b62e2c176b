"""What commands need from persistence, as protocols: one unit of work per transaction, with the
repositories of the aggregates, the audit trail, idempotency records, workflow start requests,
the messages for waiting processes, and what operations keep about the processes (the instance
references, operational alerts of persisting incidents, the scheduler's reconciliation findings).

The implementation (``oms.persistence.unit_of_work``) opens one PostgreSQL transaction as the
application role with the context's tenant set, so row-level security applies to every statement.
``commit`` also writes the events raised by every aggregate the repositories saw to the outbox."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from oms.application.context import RequestContext
from oms.application.external_systems import CallbackReceipts, ExternalCallLedger
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


@dataclass(frozen=True)
class InstanceRef:
    """A ``workflow_instance_ref`` with the order its start request names (``orderId``), if any."""

    aggregate_type: str
    aggregate_id: str
    workflow_type: str
    business_key: str
    bpmn_process_id: str
    process_definition_version: int
    process_instance_key: int
    status: str  # active, completed, terminated, incident: as last observed
    order_id: str | None
    created_at: datetime
    updated_at: datetime


class WorkflowInstanceRefs(Protocol):
    def of_order(self, order_id: str) -> list[InstanceRef]:
        """Every process instance started for the order (fulfillment, cancellation, amendment, fallout
        repair of its cases): the instances whose start request names it as ``orderId``. Oldest first."""
        ...

    def record_status(self, process_instance_key: int, status: str) -> bool:
        """The engine's state as last observed; True when it changed."""
        ...


@dataclass(frozen=True)
class NewOperationalAlert:
    order_id: str | None
    aggregate_type: str
    aggregate_id: str
    workflow_type: str
    process_instance_key: int
    incident_key: int
    kind: str  # the incident's error type (JOB_NO_RETRIES, IO_MAPPING_ERROR, ...)
    element_id: str
    error_message: str
    incident_created_at: datetime


@dataclass(frozen=True, kw_only=True)
class OperationalAlert(NewOperationalAlert):
    id: int
    opened_at: datetime
    closed_at: datetime | None = None
    close_reason: str | None = None  # incidentResolved, incidentGone

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class OperationalAlerts(Protocol):
    def open(self, alert: NewOperationalAlert) -> OperationalAlert | None:
        """Opened now, or None when the incident has an alert already (open or closed)."""
        ...

    def of_incident(self, incident_key: int) -> OperationalAlert | None: ...

    def close(self, incident_key: int, reason: str) -> OperationalAlert | None:
        """The alert, closed now; None when there is no open alert for the incident."""
        ...

    def of_order(self, order_id: str) -> list[OperationalAlert]:
        """Newest first."""
        ...


@dataclass(frozen=True)
class Drift:
    """What a reconciliation check observed. ``subject`` names exactly what drifted (an instance, a
    job, an incident, a start request): one open finding per (tenant, kind, subject)."""

    kind: str
    aggregate_type: str
    aggregate_id: str
    process_instance_key: int | None
    subject: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    id: int
    drift: Drift
    found_at: datetime
    last_seen_at: datetime
    repaired_at: datetime | None
    repair: str | None
    repair_error: str | None
    cleared_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.repaired_at is None and self.cleared_at is None


class ReconciliationFindings(Protocol):
    def observe(self, drift: Drift) -> Finding:
        """The open finding of (kind, subject): inserted, or seen again (detail and last seen updated)."""
        ...

    def get(self, finding_id: int) -> Finding | None: ...

    def repaired(self, finding_id: int, repair: str) -> Finding | None:
        """Closed as repaired; None when the finding is not open."""
        ...

    def repair_failed(self, finding_id: int, error: str) -> None: ...

    def clear_unseen(self, kind: str, seen_subjects: Collection[str]) -> list[int]:
        """Open findings of ``kind`` whose subject was not seen again: cleared now; their ids."""
        ...

    def search(self, *, kind: str | None, aggregate_id: str | None, open_only: bool, limit: int) -> list[Finding]:
        """Newest first."""
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

    @property
    def workflow_instances(self) -> WorkflowInstanceRefs: ...

    @property
    def operational_alerts(self) -> OperationalAlerts: ...

    @property
    def reconciliation_findings(self) -> ReconciliationFindings: ...

    @property
    def external_calls(self) -> ExternalCallLedger: ...

    @property
    def callback_receipts(self) -> CallbackReceipts: ...

    def new_id(self) -> str: ...

    def commit(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Rolls back unless ``commit`` ran."""
        ...


UnitOfWorkFactory = Callable[[RequestContext], UnitOfWork]
