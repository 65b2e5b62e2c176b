"""Variables and searches through the official SDK over both transports: set variables on a
scope, get by key, and the spec's filter, sort and page shapes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from camunda_orchestration_sdk.models import (
    AdvancedDateTimeFilter,
    AdvancedStringFilter,
    CursorBasedBackwardPagination,
    CursorBasedForwardPagination,
    ElementInstanceResult,
    ElementInstanceSearchQuery,
    ElementInstanceSearchQueryFilter,
    LimitBasedPagination,
    ProcessInstanceResult,
    ProcessInstanceSearchQuery,
    ProcessInstanceSearchQueryFilter,
    ProcessInstanceSearchQuerySortRequest,
    ProcessInstanceSearchQuerySortRequestField,
    ProcessInstanceStateExactMatch,
    SetVariableRequest,
    SetVariableRequestVariables,
    SortOrderEnum,
    VariableResult,
    VariableSearchQuery,
    VariableSearchQueryFilter,
    VariableSearchResult,
    VariableValueFilterProperty,
)
from rest_support import Api, activate, deploy, one_task, start, unique

from oms.engine.testing.builder import process

pytestmark = pytest.mark.anyio


async def test_variables_set_on_an_element_instance_are_local_or_propagated_and_can_be_read_back(api: Api) -> None:
    process_id, job_type = unique("rest-vars"), unique("job")
    async with api.sdk() as client:
        await deploy(client, one_task(process_id, job_type))
        created = await start(client, process_id, {"status": "new"})
        (job,) = await activate(client, job_type)
        await client.create_element_instance_variables(
            job.element_instance_key,
            data=SetVariableRequest(variables=SetVariableRequestVariables.from_dict({"status": "checked"})),
        )
        await client.create_element_instance_variables(
            job.element_instance_key,
            data=SetVariableRequest(
                variables=SetVariableRequestVariables.from_dict({"note": {"a": [1, 2]}}), local=True
            ),
        )
        found = await client.search_variables(
            data=VariableSearchQuery(
                filter_=VariableSearchQueryFilter(process_instance_key=created.process_instance_key)
            )
        )
        note = next(v for v in found.items if v.name == "note")
        by_key = await client.get_variable(note.variable_key)
    values = {(v.name, v.scope_key): v.value for v in found.items}
    assert all(isinstance(v, VariableSearchResult) for v in found.items)
    assert values == {
        ("status", created.process_instance_key): '"checked"',  # propagated to the scope that had it
        ("note", job.element_instance_key): '{"a":[1,2]}',  # local to the task
    }
    assert isinstance(by_key, VariableResult)
    assert (by_key.name, by_key.value, by_key.scope_key) == ("note", '{"a":[1,2]}', job.element_instance_key)


async def test_process_instances_are_filtered_sorted_and_paged_with_cursors(api: Api) -> None:
    process_id = unique("rest-search")
    async with api.sdk() as client:
        await deploy(client, one_task(process_id, unique("job")))
        keys = [
            (await start(client, process_id, {"n": n, "tag": "even" if n % 2 == 0 else "odd"})).process_instance_key
            for n in range(5)
        ]
        query_filter = ProcessInstanceSearchQueryFilter(process_definition_id=process_id)
        newest_first = [
            ProcessInstanceSearchQuerySortRequest(
                field=ProcessInstanceSearchQuerySortRequestField.PROCESSINSTANCEKEY, order=SortOrderEnum.DESC
            )
        ]
        first = await client.search_process_instances(
            data=ProcessInstanceSearchQuery(filter_=query_filter, sort=newest_first, page=LimitBasedPagination(limit=2))
        )
        assert first.page.end_cursor is not None
        second = await client.search_process_instances(
            data=ProcessInstanceSearchQuery(
                filter_=query_filter,
                sort=newest_first,
                page=CursorBasedForwardPagination(after=first.page.end_cursor, limit=2),
            )
        )
        assert second.page.start_cursor is not None
        back = await client.search_process_instances(
            data=ProcessInstanceSearchQuery(
                filter_=query_filter,
                sort=newest_first,
                page=CursorBasedBackwardPagination(before=second.page.start_cursor, limit=2),
            )
        )
        started_recently = await client.search_process_instances(
            data=ProcessInstanceSearchQuery(
                filter_=ProcessInstanceSearchQueryFilter(
                    process_definition_id=process_id,
                    start_date=AdvancedDateTimeFilter(gte=datetime.now(UTC) - timedelta(hours=1)),
                    end_date=AdvancedDateTimeFilter(exists=False),
                )
            )
        )
        even = await client.search_process_instances(
            data=ProcessInstanceSearchQuery(
                filter_=ProcessInstanceSearchQueryFilter(
                    process_definition_id=process_id,
                    state=ProcessInstanceStateExactMatch.ACTIVE,
                    variables=[VariableValueFilterProperty(name="tag", value='"even"')],
                )
            )
        )
        by_key_set = await client.search_process_instances(
            data=ProcessInstanceSearchQuery(
                filter_=ProcessInstanceSearchQueryFilter(
                    process_definition_id=AdvancedStringFilter(like=process_id[:-3] + "*"),
                    process_instance_key=keys[0],
                )
            )
        )
    assert all(isinstance(item, ProcessInstanceResult) for item in first.items)
    assert [i.process_instance_key for i in first.items] == keys[::-1][:2]
    assert [i.process_instance_key for i in second.items] == keys[::-1][2:4]
    assert [i.process_instance_key for i in back.items] == keys[::-1][:2]
    assert started_recently.page.total_items == 5
    assert first.page.total_items == 5 and first.page.has_more_total_items is False
    assert sorted(i.process_instance_key for i in even.items) == [keys[0], keys[2], keys[4]]
    assert [i.process_instance_key for i in by_key_set.items] == [keys[0]]


async def test_element_instances_of_an_instance_are_searched_and_read_by_key(api: Api) -> None:
    process_id, job_type = unique("rest-elements"), unique("job")
    xml = process(process_id).start_event("begin").service_task("work", job_type=job_type).end_event("finish").done()
    async with api.sdk() as client:
        await deploy(client, xml)
        created = await start(client, process_id)
        found = await client.search_element_instances(
            data=ElementInstanceSearchQuery(
                filter_=ElementInstanceSearchQueryFilter(process_instance_key=created.process_instance_key)
            )
        )
        work = next(e for e in found.items if e.element_id == "work")
        by_key = await client.get_element_instance(work.element_instance_key)
    assert all(isinstance(item, ElementInstanceResult) for item in found.items)
    assert [(e.element_id, e.type_.value, e.state.value) for e in found.items] == [
        ("begin", "START_EVENT", "COMPLETED"),
        ("work", "SERVICE_TASK", "ACTIVE"),
    ]
    assert isinstance(by_key, ElementInstanceResult)
    assert (by_key.element_id, by_key.has_incident, by_key.incident_key) == ("work", False, None)
