"""What every job handler shares: the request context built from the job, the dependencies handlers
are given, and the translation of application answers into job outcomes.

    def handle(job: Job) -> dict[str, Any]:
        ctx = job_context(job, deps)
        order_id = ctx.require("orderId")
        with job_outcomes(ctx, orderId=order_id):
            step = run_command(deps.uow_factory, ctx.request, lambda uow: ...)
        return {"nextStep": step}

A handler whose work is one application command in one transaction says the same in one call:
``run_job_command(deps, ctx, lambda uow: ..., orderId=order_id)``.

The actor is always the worker's service actor (``WorkerDependencies.service_actor_id``): process
variables are routing context, never credentials, and the domain checks what the service may do.

| what the command raised | the job |
|---|---|
| ``StaleVersion`` (optimistic lock) | fails with retries left, short back-off (the command runs again) |
| ``ExternalTransient`` (timeout, 503) | fails with retries left, back-off 2 s, 4 s, 8 s (``Retry-After`` at least) |
| ``NotFound`` (the job's ids name nothing: data corruption) | incident (no retries left), with the message |
| a variable the job needs is missing or not an id | incident |
| ``Forbidden``, ``Conflict``, ``ValidationFailed`` (no business outcome the model knows) | incident |
| ``ExternalRefused`` (configuration, no adapter) | incident |
| the database is unreachable, a pool time-out | fails with retries left, 5 s back-off |
| anything else | fails with one retry less (the runtime's default) |

Business outcomes (a fallout case) are results of the commands, thrown by the handlers as BPMN errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final, TypeVar

import psycopg
import psycopg_pool
import structlog

from oms.application.context import RequestContext
from oms.application.errors import ApplicationError, NotFound, StaleVersion, ValidationFailed
from oms.application.external_systems import ExternalRefused, ExternalSystems, ExternalTransient
from oms.application.runner import run_command
from oms.application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from oms.domain.shared.actors import Actor, ActorKind
from oms.domain.shared.ids import ActorId
from oms.workflow.client import Job
from oms.workflow.outcomes import IncidentError, TransientError

SERVICE_ACTOR_ID: Final = "oms-workflow-worker"  # the same service actor as every worker
#: an optimistic lock conflict: someone changed the aggregate a moment ago; run again soon
STALE_VERSION_BACKOFF: Final = timedelta(milliseconds=200)
DATABASE_BACKOFF: Final = timedelta(seconds=5)
#: a transient failure of an external system: 2 s, 4 s, 8 s … (by retries used), at most 5 minutes
TRANSIENT_BACKOFF: Final = timedelta(seconds=2)
MAX_TRANSIENT_BACKOFF: Final = timedelta(minutes=5)
#: the retries the models give every job (``retries="3"``), to count the retries used
MODEL_RETRIES: Final = 3

_log = structlog.get_logger("oms.workflow")

R = TypeVar("R")


class MissingContext(IncidentError):
    """The job lacks a variable it needs (or holds one that is not an id): no retry can mend that."""


@dataclass(frozen=True)
class WorkerDependencies:
    """What handlers are given: the unit-of-work factory, the adapters of the external systems
    (only the fulfillment and compensation handlers use them), and the service actor's id."""

    uow_factory: UnitOfWorkFactory
    systems: ExternalSystems | None = None
    service_actor_id: str = SERVICE_ACTOR_ID

    def require_systems(self) -> ExternalSystems:
        if self.systems is None:
            raise IncidentError("this worker has no external-system adapters configured (see docs/workers.md)")
        return self.systems


@dataclass(frozen=True)
class JobContext:
    job: Job
    request: RequestContext

    @property
    def tenant_id(self) -> str:
        return self.request.tenant_id

    def require(self, name: str) -> str:
        """A string id the job must carry; an incident when it does not."""
        return _id(self.job, name)

    def optional(self, name: str) -> str | None:
        value = self.job.variables.get(name)
        return None if value is None else _id(self.job, name)


def _id(job: Job, name: str) -> str:
    value = job.variables.get(name)
    if not isinstance(value, str) or not value.strip():
        shown = "missing" if value is None else f"{type(value).__name__} {value!r}"[:120]
        raise MissingContext(
            f"job {job.key} ({job.type}) of process instance {job.process_instance_key} needs the variable "
            f"{name!r} as a non-empty string, but it is {shown}"
        )
    return value


def job_context(job: Job, deps: WorkerDependencies) -> JobContext:
    """The request context of the job: the tenant and correlation id from its variables, the
    worker's service actor, and the job's key as the request id."""
    tenant_id = _id(job, "tenantId")
    correlation_id = job.variables.get("correlationId")
    if not isinstance(correlation_id, str) or not correlation_id:
        correlation_id = f"job-{job.key}"
    actor = Actor(ActorKind.SERVICE, ActorId(deps.service_actor_id))
    try:
        request = RequestContext(tenant_id, actor, correlation_id, f"job-{job.key}")
    except ValidationFailed as error:
        raise MissingContext(f"job {job.key} ({job.type}): {error.message}") from error
    return JobContext(job, request)


def transient_backoff(job: Job, retry_after_s: float | None = None) -> timedelta:
    used = max(MODEL_RETRIES - job.retries, 0)
    backoff: timedelta = min(TRANSIENT_BACKOFF * (2**used), MAX_TRANSIENT_BACKOFF)
    if retry_after_s is not None:
        backoff = max(backoff, timedelta(seconds=retry_after_s))
    return backoff


@contextmanager
def job_outcomes(ctx: JobContext, **ids: str | None) -> Iterator[None]:
    """Binds the log context (tenantId, correlationId, the job's ids) and turns what the commands
    raise into the job outcome the table above lists."""
    job = ctx.job
    fields: dict[str, Any] = {"tenantId": ctx.tenant_id, "correlationId": ctx.request.correlation_id}
    fields.update({name: value for name, value in ids.items() if value is not None})
    with structlog.contextvars.bound_contextvars(**fields):
        try:
            yield
        except StaleVersion as error:
            raise TransientError(f"{error.code}: {error.message}", STALE_VERSION_BACKOFF) from error
        except ExternalTransient as error:
            raise TransientError(str(error), transient_backoff(job, error.retry_after_s)) from error
        except ExternalRefused as error:
            raise IncidentError(f"external system refused the request as configured: {error}") from error
        except NotFound as error:
            raise IncidentError(
                f"data corruption: {error.message} (job {job.key} {job.type}, "
                f"{', '.join(f'{k}={v}' for k, v in ids.items())})"
            ) from error
        except ApplicationError as error:
            raise IncidentError(f"{error.code}: {error.message}") from error
        except (psycopg.OperationalError, psycopg_pool.PoolTimeout) as error:
            raise TransientError(f"database unavailable: {error}", DATABASE_BACKOFF) from error


def run_job_command(
    deps: WorkerDependencies, ctx: JobContext, command: Callable[[UnitOfWork], R], **ids: str | None
) -> R:
    """One application command for the job, in one transaction, its failures mapped by ``job_outcomes``."""
    with job_outcomes(ctx, **ids):
        return run_command(deps.uow_factory, ctx.request, command)
