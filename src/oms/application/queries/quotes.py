"""Quote queries: one quote, a filtered page of quotes, and the chain of a quote's versions.

Every reader of the tenant may read its quotes; a quote of another tenant does not exist for them
(``NotFound``, never ``Forbidden``, so ids of other tenants cannot be probed)."""

from __future__ import annotations

from oms.application.errors import NotFound
from oms.application.queries.criteria import PageRequest, QuoteFilter
from oms.application.unit_of_work import UnitOfWork
from oms.application.views import QuotePage, QuoteView
from oms.domain.quote.model import Quote


def get_quote(uow: UnitOfWork, quote_id: str) -> QuoteView:
    return QuoteView.of(_quote(uow, quote_id))


def list_quotes(uow: UnitOfWork, criteria: QuoteFilter | None = None, page: PageRequest | None = None) -> QuotePage:
    page = page or PageRequest()
    items, total = uow.quotes.search(criteria or QuoteFilter(), page)
    return QuotePage(tuple(items), total, page.offset, page.limit)


def quote_versions(uow: UnitOfWork, quote_id: str) -> tuple[QuoteView, ...]:
    """Every version of the quote, version 1 first (following previous/superseded links)."""
    quote = _quote(uow, quote_id)
    chain = [quote]
    while chain[0].previous_quote_id is not None:
        chain.insert(0, _quote(uow, chain[0].previous_quote_id))
    while chain[-1].superseded_by is not None:
        chain.append(_quote(uow, chain[-1].superseded_by))
    return tuple(QuoteView.of(q) for q in chain)


def _quote(uow: UnitOfWork, quote_id: str) -> Quote:
    quote = uow.quotes.get(quote_id)
    if quote is None:
        raise NotFound.of("quote", quote_id)
    return quote
