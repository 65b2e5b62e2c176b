"""Errors of the application layer; the API maps each class to one HTTP status, in one place.

| error               | meaning                                                   | HTTP (suggested) |
|---------------------|-----------------------------------------------------------|------------------|
| NotFound            | no such aggregate for this tenant (other tenants' too)    | 404              |
| Forbidden           | the actor may not do this                                 | 403              |
| Conflict            | the aggregate's state does not allow it now               | 409              |
| StaleVersion        | someone changed the aggregate since the caller read it    | 409 (412 with If-Match) |
| ValidationFailed    | the request itself is wrong (details list every problem)  | 422 (or 400)     |
| IdempotencyConflict | an Idempotency-Key reused with another request            | 422              |

Domain errors are translated by :func:`from_domain_error`, keeping their ``code`` and ``details``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oms.domain.approval.errors import ApprovalNotComplete, ApproverAlreadyDecided, CannotEscalate, WrongApprovalLevel
from oms.domain.fallout.errors import RepairNotApplicable, TaskNotFailed, WrongPlan
from oms.domain.fulfillment.errors import DependenciesNotDone, PlanNotClosable, PointOfNoReturnPassed, StaleRevision
from oms.domain.order.errors import (
    AmendmentInProgress,
    CompensationRequired,
    OrderNotSupplementable,
    StaleRequest,
    TasksInFlight,
    UseSupplementalOrder,
    WrongOrder,
)
from oms.domain.quote.errors import (
    QuoteAlreadySuperseded,
    QuoteStillValid,
    QuoteValidityEnded,
    StaleApprovalOutcome,
)
from oms.domain.shared.errors import DomainError, IllegalTransition, NotAuthorized


class ApplicationError(Exception):
    # Each class has its code; a translated domain error carries the domain's (e.g. "notAuthorized").
    code: str = "applicationError"

    def __init__(self, message: str, details: Mapping[str, Any] | None = None, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details: dict[str, Any] = dict(details or {})

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.details}


class NotFound(ApplicationError):
    code = "notFound"

    @classmethod
    def of(cls, kind: str, entity_id: str) -> NotFound:
        return cls(f"{kind} {entity_id!r} not found", {"kind": kind, "id": entity_id})


class Forbidden(ApplicationError):
    code = "forbidden"


class Conflict(ApplicationError):
    code = "conflict"


class StaleVersion(Conflict):
    code = "staleVersion"

    def __init__(self, kind: str, entity_id: str, expected: int, actual: int | None = None) -> None:
        what = "was changed concurrently" if actual is None else f"is at version {actual}"
        super().__init__(
            f"{kind} {entity_id!r} {what}; expected version {expected}",
            {"kind": kind, "id": entity_id, "expected_version": expected, "actual_version": actual},
        )


class ValidationFailed(ApplicationError):
    code = "validationFailed"


class IdempotencyConflict(ApplicationError):
    code = "idempotencyKeyReused"

    def __init__(self, key: str) -> None:
        super().__init__(f"idempotency key {key!r} was already used with a different request", {"key": key})


# Errors about the aggregate's current state (retrying the same request later cannot help until
# the state changes): 409. Everything else the domain raises is about the request: 422.
_CONFLICTS: tuple[type[DomainError], ...] = (
    IllegalTransition,
    QuoteAlreadySuperseded,
    QuoteStillValid,
    QuoteValidityEnded,
    StaleApprovalOutcome,
    ApproverAlreadyDecided,
    CannotEscalate,
    ApprovalNotComplete,
    WrongApprovalLevel,
    # orders, fulfillment plans and fallout cases
    AmendmentInProgress,
    CompensationRequired,
    DependenciesNotDone,
    OrderNotSupplementable,
    PlanNotClosable,
    PointOfNoReturnPassed,
    RepairNotApplicable,
    StaleRequest,
    StaleRevision,
    TaskNotFailed,
    TasksInFlight,
    UseSupplementalOrder,
    WrongOrder,
    WrongPlan,
)


def from_domain_error(error: DomainError) -> ApplicationError:
    if isinstance(error, NotAuthorized):
        return Forbidden(error.message, error.details, code=error.code)
    if isinstance(error, _CONFLICTS):
        return Conflict(error.message, error.details, code=error.code)
    return ValidationFailed(error.message, error.details, code=error.code)
