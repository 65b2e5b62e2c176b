"""What a handler's result means for its job: one small class per outcome, each reporting itself to
the engine and logging itself, so the runtime has no branching on results."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol, TypeVar

from structlog.typing import FilteringBoundLogger

from oms.workflow.client import Job, WorkflowClient

DEFAULT_TRANSIENT_BACKOFF = timedelta(seconds=5)

_T = TypeVar("_T")


class TransientError(Exception):
    """A failure that may pass (a timeout, an unavailable system): retry after ``backoff``."""

    def __init__(self, message: str, backoff: timedelta = DEFAULT_TRANSIENT_BACKOFF) -> None:
        super().__init__(message)
        self.message = message
        self.backoff = backoff


class BusinessError(Exception):
    """A business outcome the process models as a BPMN error (``code`` is the error code it catches)."""

    def __init__(self, code: str, message: str = "", variables: Mapping[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message
        self.variables = dict(variables) if variables is not None else None


class IncidentError(Exception):
    """A failure no retry can mend (the job lacks its context, its data contradicts the database, the
    configuration is wrong): the job fails with no retries left, so the engine raises an incident
    at once, with ``message`` for the operator."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Outcome(Protocol):
    @property
    def name(self) -> str: ...

    def report(self, client: WorkflowClient, job: Job) -> None: ...

    def log(self, log: FilteringBoundLogger, **fields: Any) -> None: ...


@dataclass(frozen=True)
class Completed:
    variables: dict[str, Any]
    name: str = "completed"

    def report(self, client: WorkflowClient, job: Job) -> None:
        client.complete_job(job.key, self.variables)

    def log(self, log: FilteringBoundLogger, **fields: Any) -> None:
        log.info("job completed", outcome=self.name, variables=sorted(self.variables), **fields)


@dataclass(frozen=True)
class Failed:
    """A failure with one retry less; at zero retries the engine raises an incident."""

    message: str
    retries: int
    backoff_ms: int
    name: str
    error: BaseException | None = field(default=None, compare=False)

    def report(self, client: WorkflowClient, job: Job) -> None:
        client.fail_job(job.key, retries=self.retries, error_message=self.message, retry_backoff_ms=self.backoff_ms)

    def log(self, log: FilteringBoundLogger, **fields: Any) -> None:
        details = {"outcome": self.name, "errorMessage": self.message, "retriesLeft": self.retries, **fields}
        event = "job failed, retried after back-off" if self.retries > 0 else "job failed, no retries left: incident"
        if self.error is not None:  # unexpected: the stack trace is what an operator needs
            log.error(event, backoffMs=self.backoff_ms, exc_info=self.error, **details)
        else:
            log.warning(event, backoffMs=self.backoff_ms, **details)


@dataclass(frozen=True)
class ErrorThrown:
    code: str
    message: str
    variables: dict[str, Any] | None
    name: str = "business_error"

    def report(self, client: WorkflowClient, job: Job) -> None:
        client.throw_error(job.key, error_code=self.code, error_message=self.message, variables=self.variables)

    def log(self, log: FilteringBoundLogger, **fields: Any) -> None:
        log.info("job threw a BPMN error", outcome=self.name, errorCode=self.code, errorMessage=self.message, **fields)


@dataclass(frozen=True)
class Abandoned:
    """The handler ended after shutdown had given its job back: its result must not be reported."""

    handler_outcome: str
    name: str = "abandoned"

    def report(self, client: WorkflowClient, job: Job) -> None:
        """Nothing: the job belongs to whoever activates it next."""

    def log(self, log: FilteringBoundLogger, **fields: Any) -> None:
        log.warning(
            "job outcome dropped: the job was given back at shutdown", handlerOutcome=self.handler_outcome, **fields
        )


def outcome_of(handler: Callable[[Job], Mapping[str, Any] | None], job: Job, unexpected_backoff_ms: int) -> Outcome:
    """Run the handler and classify what it did."""
    retries_left = max(job.retries - 1, 0)
    try:
        result = handler(job)
        if result is not None and not isinstance(result, Mapping):
            raise TypeError(f"Expected the handler to return a mapping of variables or None, but got {result!r}")
        variables = _json_checked(dict(result or {}))
    except TransientError as error:
        return Failed(error.message, retries_left, _ms(error.backoff), "transient_failure")
    except IncidentError as error:
        return Failed(error.message, 0, 0, "incident")
    except BusinessError as error:
        try:
            return ErrorThrown(error.code, error.message, _json_checked(error.variables))
        except TypeError as bad_variables:
            return Failed(_message(bad_variables), retries_left, unexpected_backoff_ms, "failed", bad_variables)
    except Exception as error:
        return Failed(_message(error), retries_left, unexpected_backoff_ms, "failed", error)
    return Completed(variables)


def _json_checked(variables: _T) -> _T:
    """Variables travel as JSON to a real cluster: refuse what JSON cannot carry (a ``Decimal``, a
    ``datetime``) here, so a handler fails the same way on both back-ends."""
    try:
        json.dumps(variables)
    except (TypeError, ValueError) as error:
        raise TypeError(f"Expected JSON-serialisable variables: {error}") from error
    return variables


def _message(error: Exception) -> str:
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _ms(duration: timedelta) -> int:
    return max(int(duration.total_seconds() * 1000), 0)
