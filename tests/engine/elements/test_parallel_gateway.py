"""Parallel gateway: a fork takes every outgoing flow; a join waits for every incoming flow and
then activates once."""

from __future__ import annotations

import pytest

from oms.engine.commands.instances import CreatedInstance
from oms.engine.errors import DeploymentRejectedError
from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def _activations(process_test: ProcessTestHarness, instance: CreatedInstance, element_id: str) -> int:
    return sum(
        1
        for r in process_test.engine.queries.records(instance.process_instance_key)
        if r.element_id == element_id and r.intent == "ELEMENT_ACTIVATED"
    )


def _fork_join(process_id: str, branches: int = 2) -> bytes:
    builder = process(process_id).start_event().parallel_gateway("fork")
    for index in range(branches):
        builder = builder.branch_from("fork").service_task(f"task{index}", job_type=f"{process_id}.t{index}")
        builder = builder.parallel_gateway("join") if index == 0 else builder.connect_to("join")
    return builder.end_event("end").done()


def test_fork_activates_every_outgoing_branch(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("fork")
    process_test.deploy(_fork_join(process_id, branches=3))
    # when
    instance = process_test.create_instance(process_id)
    # then
    process_test.assert_that(instance).is_active().has_completed_elements("fork").is_waiting_at_elements(
        "task0", "task1", "task2"
    )
    assert len(process_test.engine.queries.jobs(instance.process_instance_key)) == 3


def test_join_waits_for_all_incoming_flows(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("join-wait")
    process_test.deploy(_fork_join(process_id, branches=3))
    instance = process_test.create_instance(process_id)
    # when
    process_test.complete_job(f"{process_id}.t0")
    process_test.complete_job(f"{process_id}.t2")
    # then
    process_test.assert_that(instance).is_active().has_not_activated_elements("join", "end").is_waiting_at_elements(
        "task1"
    )
    # when
    process_test.complete_job(f"{process_id}.t1")
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("join", "end")
    assert _activations(process_test, instance, "join") == 1
    assert _activations(process_test, instance, "end") == 1


def test_join_merges_the_variables_of_every_branch(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("join-vars")
    process_test.deploy(_fork_join(process_id))
    process_test.mock_job_worker(f"{process_id}.t0").then_complete({"a": 1})
    process_test.mock_job_worker(f"{process_id}.t1").then_complete({"b": 2})
    # when
    instance = process_test.create_instance(process_id)
    process_test.run_until_idle()
    # then
    process_test.assert_that(instance).is_completed().has_variable("a", 1).has_variable("b", 2)


def test_fork_without_join_completes_when_every_branch_ends(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("fork-no-join")
    process_test.deploy(
        process(process_id)
        .start_event()
        .parallel_gateway("fork")
        .end_event("end_a")
        .branch_from("fork")
        .end_event("end_b")
        .done()
    )
    # when
    instance = process_test.create_instance(process_id)
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("end_a", "end_b")


def test_join_of_a_loop_counts_tokens_per_flow(process_test: ProcessTestHarness) -> None:
    # given: a join reached twice on the same flow must still wait for the other flow
    process_id = unique_id("join-twice")
    process_test.deploy(
        process(process_id)
        .start_event()
        .parallel_gateway("fork")
        .manual_task("a1")
        .parallel_gateway("join")
        .end_event("end")
        .branch_from("fork")
        .manual_task("a2")
        .connect_to("join")
        .branch_from("fork")
        .service_task("b", job_type=f"{process_id}.b")
        .connect_to("join")
        .done()
    )
    # when
    instance = process_test.create_instance(process_id)
    # then: a1 and a2 arrived, b has not: nothing joined yet
    process_test.assert_that(instance).is_active().has_not_activated_elements("join")
    # when
    process_test.complete_job(f"{process_id}.b")
    # then
    process_test.assert_that(instance).is_completed()
    assert _activations(process_test, instance, "join") == 1


def test_conditions_on_a_fork_are_rejected_at_deployment(process_test: ProcessTestHarness) -> None:
    # given: a parallel gateway takes every flow, so a condition on one is a modelling mistake
    process_id = unique_id("fork-condition")
    xml = (
        process(process_id)
        .start_event()
        .parallel_gateway("fork")
        .condition("= x > 1")
        .end_event("a")
        .branch_from("fork")
        .end_event("b")
        .done()
    )
    # when / then
    with pytest.raises(DeploymentRejectedError) as rejected:
        process_test.deploy(xml)
    assert any("'fork'" in p and "parallel gateway" in p for p in rejected.value.problems), rejected.value.problems
