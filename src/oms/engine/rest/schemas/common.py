"""Base of every wire model: the spec's camelCase names via aliases, keys as numeric strings.

Response models declare every field the spec marks required, without a default, so a response
that would lack one fails on construction here instead of in the official SDK (which refuses it).
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

T = TypeVar("T")

DEFAULT_TENANT = "<default>"
TENANT_PATTERN = r"^(<default>|[\w\.\-]{1,31})$"


class ApiModel(BaseModel):
    # coerce_numbers_to_str: the engine's int keys become the API's string keys on the way out.
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, coerce_numbers_to_str=True)


class ProblemDetail(ApiModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str


class SortRequest(ApiModel):
    model_config = ConfigDict(extra="forbid")
    field: str
    order: Literal["ASC", "DESC", "asc", "desc"] = "ASC"


class PageRequest(ApiModel):
    """One of LimitPagination, OffsetPagination, CursorForwardPagination, CursorBackwardPagination."""

    model_config = ConfigDict(extra="forbid")
    limit: int | None = Field(default=None, ge=1, le=10_000)
    from_: int | None = Field(default=None, alias="from", ge=0)
    after: str | None = None
    before: str | None = None


class SearchRequest(ApiModel):
    """The common shape of every ``POST /v2/<resource>/search`` body."""

    model_config = ConfigDict(extra="forbid")
    filter: dict[str, Any] | None = None
    sort: list[SortRequest] | None = None
    page: PageRequest | None = None


class SearchQueryPageResponse(ApiModel):
    total_items: int
    has_more_total_items: bool
    start_cursor: str | None
    end_cursor: str | None


class SearchQueryResult(ApiModel, Generic[T]):
    items: list[T]
    page: SearchQueryPageResponse
