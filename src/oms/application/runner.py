"""One command, one transaction: the only place (with ``run_idempotent``) that commits.

A command function takes an open unit of work and never commits itself, so the same function runs
alone (``run_command``) or together with its idempotency record (``run_idempotent``) in one
transaction. Domain errors leave as application errors (``errors.from_domain_error``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from oms.application.context import RequestContext
from oms.application.errors import from_domain_error
from oms.application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from oms.domain.shared.errors import DomainError

R = TypeVar("R")


@contextmanager
def domain_errors_translated() -> Iterator[None]:
    try:
        yield
    except DomainError as error:
        raise from_domain_error(error) from error


def run_command(uow_factory: UnitOfWorkFactory, ctx: RequestContext, command: Callable[[UnitOfWork], R]) -> R:
    """Run ``command`` in a new transaction and commit; roll back on any error."""
    with domain_errors_translated(), uow_factory(ctx) as uow:
        result = command(uow)
        uow.commit()
        return result


def run_query(uow_factory: UnitOfWorkFactory, ctx: RequestContext, query: Callable[[UnitOfWork], R]) -> R:
    """Run a read in a transaction of its own (tenant set, so row-level security applies) that
    is never committed: a query that tried to write would leave nothing behind."""
    with domain_errors_translated(), uow_factory(ctx) as uow:
        return query(uow)
