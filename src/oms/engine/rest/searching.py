"""From a ``POST /v2/<resource>/search`` body to an engine search and back to the wire shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from oms.engine.rest.context import RestContext
from oms.engine.rest.errors import ApiProblem
from oms.engine.rest.schemas.common import SearchQueryPageResponse, SearchQueryResult, SearchRequest
from oms.engine.search import DEFAULT_LIMIT, Entity, SearchPage, SearchQuery, decode_cursor, encode_cursor

M = TypeVar("M", bound=BaseModel)
Row = dict[str, Any]


def to_query(body: SearchRequest | None) -> SearchQuery | None:
    """The engine query, or None when the page is empty by construction (before the first item)."""
    body = body or SearchRequest()
    page = body.page
    limit = page.limit if page and page.limit is not None else DEFAULT_LIMIT
    offset = 0
    if page is not None:
        given = [name for name in ("from_", "after", "before") if getattr(page, name) is not None]
        if len(given) > 1:
            raise ApiProblem(400, "INVALID_ARGUMENT", "Expected one of page.from, page.after, page.before")
        if page.from_ is not None:
            offset = page.from_
        elif page.after is not None:
            offset = decode_cursor(page.after)
        elif page.before is not None:
            # The page that ends right before the cursor's item.
            end = decode_cursor(page.before)
            if end == 0:
                return None
            offset, limit = max(0, end - limit), min(limit, end)
    sort = [(item.field, item.order.upper() == "DESC") for item in body.sort or []]
    return SearchQuery(filter=body.filter or {}, sort=sort, limit=limit, offset=offset)


def page_of(page: SearchPage) -> SearchQueryPageResponse:
    count = len(page.items)
    return SearchQueryPageResponse(
        total_items=page.total,
        has_more_total_items=False,
        start_cursor=encode_cursor(page.offset) if count else None,
        end_cursor=encode_cursor(page.offset + count) if count else None,
    )


async def run_search(
    context: RestContext,
    entity: Entity,
    body: SearchRequest | None,
    model: type[M],
    adapt: Callable[[Row], Row] | None = None,
) -> SearchQueryResult[M]:
    query = to_query(body)
    page = SearchPage([], 0, 0) if query is None else await context.call(context.engine.search.search, entity, query)
    items = [model.model_validate(adapt(row) if adapt else row) for row in page.items]
    return SearchQueryResult[model](items=items, page=page_of(page))  # type: ignore[valid-type]


async def get_one(
    context: RestContext,
    entity: Entity,
    key: int,
    model: type[M],
    what: str,
    adapt: Callable[[Row], Row] | None = None,
) -> M:
    row = await context.call(context.engine.search.get, entity, key)
    if row is None:
        raise ApiProblem(404, "NOT_FOUND", f"{what} with key '{key}' not found")
    return model.model_validate(adapt(row) if adapt else row)
