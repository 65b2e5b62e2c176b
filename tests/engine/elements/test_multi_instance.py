"""Multi-instance activities (parallel and sequential) on service tasks and sub-processes: a body
owning one inner instance per item with local ``inputElement`` and ``loopCounter``, the output
collection in input order, an empty collection, the completion condition, boundary events on the
body, and a 500-item parallel run whose time and memory go to docs/benchmarks.md."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from datetime import timedelta

import pytest

from oms.engine.errors import InvalidStateError
from oms.engine.testing.builder import ProcessBuilder, process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def _each_item(process_id: str, *, sequential: bool = False, completion_condition: str | None = None) -> ProcessBuilder:
    return (
        process(process_id)
        .start_event()
        .service_task("each", job_type=f"{process_id}.work")
        .multi_instance(
            "= items",
            input_element="item",
            output_collection="results",
            output_element="= result",
            sequential=sequential,
            completion_condition=completion_condition,
        )
        .end_event("done")
    )


def _element_instances(process_test: ProcessTestHarness, key: int, element_id: str) -> list[tuple[str, str]]:
    return [
        (e.element_type, e.state)
        for e in process_test.engine.queries.element_instances(key)
        if e.element_id == element_id
    ]


def test_parallel_multi_instance_creates_one_instance_per_item_with_local_variables(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("mi-parallel")
    process_test.deploy(_each_item(process_id).done())
    # when
    instance = process_test.create_instance(process_id, {"items": ["a", "b", "c"]})
    # then
    jobs = process_test.engine.activate_jobs(f"{process_id}.work", worker="w", max_jobs=10)
    assert sorted((j.variables["item"], j.variables["loopCounter"]) for j in jobs) == [("a", 1), ("b", 2), ("c", 3)]
    states = _element_instances(process_test, instance.process_instance_key, "each")
    assert states.count(("MULTI_INSTANCE_BODY", "ACTIVATED")) == 1
    assert states.count(("SERVICE_TASK", "ACTIVATED")) == 3
    process_test.assert_that(instance).has_no_variable("item").has_no_variable("loopCounter")


def test_output_collection_is_in_input_order_whatever_the_completion_order(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("mi-output")
    process_test.deploy(_each_item(process_id).done())
    instance = process_test.create_instance(process_id, {"items": [1, 2, 3]})
    jobs = process_test.engine.activate_jobs(f"{process_id}.work", worker="w", max_jobs=10)
    # when: completed in reverse order
    for job in sorted(jobs, key=lambda j: -j.variables["loopCounter"]):
        process_test.engine.complete_job(job.key, {"result": job.variables["item"] * 10})
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_variable("results", [10, 20, 30])
        .has_completed_elements("each", "done")
    )


def test_sequential_multi_instance_runs_one_instance_after_the_other(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("mi-sequential")
    process_test.deploy(_each_item(process_id, sequential=True).done())
    instance = process_test.create_instance(process_id, {"items": ["x", "y"]})
    # when
    first = process_test.engine.activate_jobs(f"{process_id}.work", worker="w", max_jobs=10)
    # then
    assert [(j.variables["item"], j.variables["loopCounter"]) for j in first] == [("x", 1)]
    # when
    process_test.engine.complete_job(first[0].key, {"result": "X"})
    second = process_test.engine.activate_jobs(f"{process_id}.work", worker="w", max_jobs=10)
    # then
    assert [(j.variables["item"], j.variables["loopCounter"]) for j in second] == [("y", 2)]
    # when
    process_test.engine.complete_job(second[0].key, {"result": "Y"})
    # then
    process_test.assert_that(instance).is_completed().has_variable("results", ["X", "Y"])


def test_empty_input_collection_completes_at_once(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("mi-empty")
    process_test.deploy(_each_item(process_id).done())
    # when
    instance = process_test.create_instance(process_id, {"items": []})
    # then
    process_test.assert_that(instance).is_completed().has_variable("results", []).has_completed_elements("done")


def test_input_collection_that_is_not_a_list_raises_an_incident(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("mi-not-a-list")
    process_test.deploy(_each_item(process_id).done())
    # when
    instance = process_test.create_instance(process_id, {"items": "abc"})
    # then
    incident = process_test.assert_that(instance).is_active().has_incident("EXTRACT_VALUE_ERROR", "each")
    assert "list" in incident.error_message
    # when: fixed and resolved
    process_test.engine.set_variables(instance.process_instance_key, {"items": ["a"]})
    process_test.engine.resolve_incident(incident.key)
    process_test.complete_job(f"{process_id}.work", {"result": 1})
    # then
    process_test.assert_that(instance).is_completed().has_variable("results", [1])


def test_completion_condition_terminates_the_remaining_instances(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("mi-condition")
    process_test.deploy(_each_item(process_id, completion_condition="= numberOfCompletedInstances >= 2").done())
    instance = process_test.create_instance(process_id, {"items": [1, 2, 3, 4]})
    jobs = process_test.engine.activate_jobs(f"{process_id}.work", worker="w", max_jobs=10)
    # when
    process_test.engine.complete_job(jobs[0].key, {"result": "first"})
    process_test.engine.complete_job(jobs[1].key, {"result": "second"})
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("done")
    states = _element_instances(process_test, instance.process_instance_key, "each")
    assert states.count(("SERVICE_TASK", "TERMINATED")) == 2
    with pytest.raises(InvalidStateError):
        process_test.engine.complete_job(jobs[2].key)
    results = process_test.assert_that(instance).variables()["results"]
    assert sorted(r for r in results if r is not None) == ["first", "second"]
    assert results.count(None) == 2


def test_timer_boundary_on_the_body_terminates_every_instance(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("mi-boundary")
    process_test.deploy(
        _each_item(process_id).boundary_timer("late", attached_to="each", duration="PT5M").end_event("too_late").done()
    )
    instance = process_test.create_instance(process_id, {"items": [1, 2]})
    jobs = process_test.engine.activate_jobs(f"{process_id}.work", worker="w", max_jobs=10)
    # when
    process_test.increase_time(timedelta(minutes=6))
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements(
        "late", "too_late"
    ).has_not_activated_elements("done")
    for job in jobs:
        process_test.assert_job(job.key).is_in_state("CANCELED")


def test_error_in_one_instance_is_caught_by_the_error_boundary_of_the_body(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("mi-error")
    process_test.deploy(
        _each_item(process_id).boundary_error("failed", attached_to="each", code="BAD").end_event("bad").done()
    )
    instance = process_test.create_instance(process_id, {"items": [1, 2]})
    # when
    process_test.throw_error(f"{process_id}.work", "BAD")
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("failed", "bad")
    states = _element_instances(process_test, instance.process_instance_key, "each")
    assert ("MULTI_INSTANCE_BODY", "TERMINATED") in states


def test_multi_instance_sub_process_gives_each_instance_its_own_scope(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("mi-sub")
    process_test.deploy(
        process(process_id)
        .start_event()
        .sub_process("per_order", inputs={"doubled": "=order * 2", "total": "=null"})
        .multi_instance("= orders", input_element="order", output_collection="totals", output_element="= total")
        .start_event("sub_start")
        .service_task("price", job_type=f"{process_id}.price")
        .end_event("sub_end")
        .end_sub_process()
        .end_event("done")
        .done()
    )
    instance = process_test.create_instance(process_id, {"orders": [1, 2]})
    jobs = process_test.engine.activate_jobs(f"{process_id}.price", worker="w", max_jobs=10)
    assert sorted(j.variables["doubled"] for j in jobs) == [2, 4]
    # when
    for job in jobs:  # "total" goes to the nearest scope that has it: this instance's sub-process
        process_test.engine.complete_job(job.key, {"total": job.variables["doubled"] + 1})
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_variable("totals", [3, 5])
        .has_no_variable("order")
        .has_no_variable("total")
    )


def test_parallel_multi_instance_of_500_items(
    process_test: ProcessTestHarness, record_property: Callable[[str, object], None]
) -> None:
    # given
    process_id = unique_id("mi-500")
    process_test.deploy(_each_item(process_id).done())
    items = list(range(500))
    tracemalloc.start()
    started = time.perf_counter()
    # when
    instance = process_test.create_instance(process_id, {"items": items})
    created = time.perf_counter()
    jobs = process_test.engine.activate_jobs(f"{process_id}.work", worker="w", max_jobs=500)
    for job in jobs:
        process_test.engine.complete_job(job.key, {"result": job.variables["item"] + 1})
    finished = time.perf_counter()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # then
    assert len(jobs) == 500
    process_test.assert_that(instance).is_completed().has_variable("results", [i + 1 for i in items])
    record_property("create_500_s", round(created - started, 3))
    record_property("complete_500_s", round(finished - created, 3))
    record_property("peak_python_memory_mb", round(peak / 1e6, 1))
    print(  # measured, not asserted: see docs/benchmarks.md
        f"\nmulti-instance 500: create {created - started:.2f}s, activate+complete {finished - created:.2f}s,"
        f" peak Python memory {peak / 1e6:.1f} MB"
    )


def test_completion_condition_failure_is_an_incident_on_the_instance_and_resolving_completes_it(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("mi-condition-fails")
    process_test.deploy(_each_item(process_id, completion_condition="= result > 1").done())
    instance = process_test.create_instance(process_id, {"items": [1]})
    # when
    process_test.complete_job(f"{process_id}.work", {"result": "not a number"})
    # then
    incident = process_test.assert_that(instance).is_active().has_incident("CONDITION_ERROR", "each")
    states = _element_instances(process_test, instance.process_instance_key, "each")
    assert ("SERVICE_TASK", "COMPLETING") in states
    # when
    process_test.engine.set_variables(instance.process_instance_key, {"result": 5})
    process_test.engine.resolve_incident(incident.key)
    # then
    process_test.assert_that(instance).is_completed().has_variable("results", [5])
