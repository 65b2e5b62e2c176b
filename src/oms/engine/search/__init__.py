"""Search queries over engine state with filter, sort and page (Camunda v2 search semantics).

``EngineSearch(pool).search(PROCESS_INSTANCES, SearchQuery(filter={"state": "ACTIVE"}))``
"""

from oms.engine.search.catalog import (
    ELEMENT_INSTANCES,
    INCIDENTS,
    JOBS,
    MESSAGE_SUBSCRIPTIONS,
    PROCESS_DEFINITIONS,
    PROCESS_INSTANCES,
    VARIABLES,
)
from oms.engine.search.query import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    EngineSearch,
    Entity,
    Field,
    Kind,
    SearchPage,
    SearchQuery,
    decode_cursor,
    encode_cursor,
)

__all__ = [
    "DEFAULT_LIMIT",
    "ELEMENT_INSTANCES",
    "INCIDENTS",
    "JOBS",
    "MAX_LIMIT",
    "MESSAGE_SUBSCRIPTIONS",
    "PROCESS_DEFINITIONS",
    "PROCESS_INSTANCES",
    "VARIABLES",
    "EngineSearch",
    "Entity",
    "Field",
    "Kind",
    "SearchPage",
    "SearchQuery",
    "decode_cursor",
    "encode_cursor",
]
