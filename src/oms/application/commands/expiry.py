"""The scheduler's sweep: expire every quote of a tenant whose validity is over.

Each quote expires in a transaction of its own, so one quote changed concurrently (accepted a
moment before, say) costs only its own expiry, which the next sweep retries; the report names it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from oms.application.commands.quote import ExpireQuote, expire_quote
from oms.application.context import RequestContext
from oms.application.errors import Conflict, NotFound
from oms.application.runner import run_command, run_query
from oms.application.unit_of_work import UnitOfWorkFactory


@dataclass(frozen=True)
class ExpiryReport:
    expired: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]  # (quote id, error code) left for the next sweep


def expire_quotes(uow_factory: UnitOfWorkFactory, ctx: RequestContext, limit: int = 100) -> ExpiryReport:
    """Expire up to ``limit`` due quotes of ``ctx``'s tenant (oldest validity end first)."""
    due = run_query(uow_factory, ctx, lambda uow: uow.quotes.due_for_expiry(uow.now, limit))
    expired: list[str] = []
    skipped: list[tuple[str, str]] = []
    for quote_id in due:
        try:
            run_command(uow_factory, ctx, partial(expire_quote, request=ExpireQuote(quote_id)))
        except (Conflict, NotFound) as error:
            # Changed or gone since the query: not this sweep's business any more, but reported.
            skipped.append((quote_id, error.code))
        else:
            expired.append(quote_id)
    return ExpiryReport(tuple(expired), tuple(skipped))
