"""The engine's search mechanics behind the ``/search`` endpoints, on the Python API: operators,
``$or``, literal wildcards in ``$like``, nulls under ``$notIn``, and rejected queries."""

from __future__ import annotations

import pytest
from rest_support import one_task, unique

from oms.engine.api import Engine
from oms.engine.errors import InvalidArgumentError, NotFoundError
from oms.engine.search import (
    INCIDENTS,
    JOBS,
    PROCESS_DEFINITIONS,
    PROCESS_INSTANCES,
    VARIABLES,
    SearchQuery,
    decode_cursor,
    encode_cursor,
)


def _keys(engine: Engine, entity_filter: dict[str, object]) -> list[int]:
    page = engine.search.search(PROCESS_INSTANCES, SearchQuery(filter=entity_filter))
    return [row["processInstanceKey"] for row in page.items]


def test_operators_combine_with_and_and_or(rest_engine: Engine) -> None:
    process_id = unique("search-ops")
    rest_engine.deploy(("m.bpmn", one_task(process_id, unique("job"))))
    keys = [rest_engine.create_instance(process_id, variables={"n": n}).process_instance_key for n in range(3)]
    rest_engine.cancel_instance(keys[2])
    by_id = {"processDefinitionId": process_id}
    assert _keys(rest_engine, {**by_id, "state": "ACTIVE"}) == keys[:2]
    assert _keys(rest_engine, {**by_id, "state": {"$neq": "ACTIVE"}}) == keys[2:]
    assert _keys(rest_engine, {**by_id, "processInstanceKey": {"$in": [str(keys[0]), str(keys[2])]}}) == [
        keys[0],
        keys[2],
    ]
    assert _keys(rest_engine, {**by_id, "processInstanceKey": {"$gt": str(keys[0]), "$lte": str(keys[1])}}) == [keys[1]]
    assert _keys(rest_engine, {**by_id, "endDate": {"$exists": True}}) == keys[2:]
    assert _keys(rest_engine, {**by_id, "$or": [{"processInstanceKey": str(keys[0])}, {"state": "TERMINATED"}]}) == [
        keys[0],
        keys[2],
    ]
    assert _keys(rest_engine, {**by_id, "variables": [{"name": "n", "value": {"$in": ["1", "2"]}}]}) == keys[1:]


def test_like_treats_only_star_and_question_mark_as_wildcards(rest_engine: Engine) -> None:
    base = unique("search_like")
    for suffix in ("a_b", "axb", "a%b"):
        rest_engine.deploy((f"{suffix}.bpmn", one_task(f"{base}-{suffix}", "job")))

    def names(pattern: str) -> list[str]:
        query = SearchQuery(filter={"processDefinitionId": {"$like": pattern}})
        rows = rest_engine.search.search(PROCESS_DEFINITIONS, query).items
        return sorted(row["processDefinitionId"].removeprefix(base + "-") for row in rows)

    assert names(f"{base}-a_b") == ["a_b"]
    assert names(f"{base}-a%b") == ["a%b"]
    assert names(f"{base}-a?b") == ["a%b", "a_b", "axb"]
    assert names(f"{base}-*") == ["a%b", "a_b", "axb"]


def test_not_in_keeps_rows_without_a_value(rest_engine: Engine) -> None:
    process_id, job_type = unique("search-null"), unique("job")
    rest_engine.deploy(("m.bpmn", one_task(process_id, job_type)))
    instance = rest_engine.create_instance(process_id)
    rows = rest_engine.search.search(
        JOBS,
        SearchQuery(filter={"processInstanceKey": str(instance.process_instance_key), "errorCode": {"$notIn": ["X"]}}),
    ).items
    assert [row["errorCode"] for row in rows] == [None]


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(filter={"unknown": 1}),
        SearchQuery(filter={"processInstanceKey": "12a"}),
        SearchQuery(filter={"processInstanceKey": {"$like": "1*"}}),
        SearchQuery(filter={"state": {"$gt": "A"}}),
        SearchQuery(filter={"hasIncident": {"$eq": True}}),
        SearchQuery(filter={"startDate": "yesterday"}),
        SearchQuery(filter={"startDate": "2024-01-01T00:00:00"}),  # no offset: ambiguous
        SearchQuery(filter={"state": {"$regex": "A"}}),
        SearchQuery(filter={"variables": [{"name": "n", "value": "not json"}]}),
        SearchQuery(sort=[("customHeaders", False)]),
        SearchQuery(limit=0),
        SearchQuery(limit=10_001),
        SearchQuery(offset=-1),
    ],
)
def test_invalid_queries_are_invalid_arguments(rest_engine: Engine, query: SearchQuery) -> None:
    entity = JOBS if query.sort else PROCESS_INSTANCES
    with pytest.raises(InvalidArgumentError):
        rest_engine.search.search(entity, query)


def test_cursors_round_trip_and_foreign_ones_are_rejected() -> None:
    assert decode_cursor(encode_cursor(42)) == 42
    for bad in ("", "bm90IGpzb24=", encode_cursor(-1), "%%%"):
        with pytest.raises(InvalidArgumentError):
            decode_cursor(bad)


def test_get_by_key_returns_none_for_an_unknown_key(rest_engine: Engine) -> None:
    assert rest_engine.search.get(INCIDENTS, 1) is None
    assert rest_engine.search.get(VARIABLES, 1) is None


def test_correlating_without_an_open_subscription_writes_no_message(rest_engine: Engine) -> None:
    name = unique("msg")
    with pytest.raises(NotFoundError):
        rest_engine.correlate_message(name, "k")
    with rest_engine.pool.connection() as conn:
        row = conn.execute("SELECT count(*) FROM engine.message WHERE name = %s", (name,)).fetchone()
    assert row is not None and row[0] == 0
