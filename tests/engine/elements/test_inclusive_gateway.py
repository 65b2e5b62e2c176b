"""Inclusive gateway: fork on every true condition (default flow when none is, incident when there is
no default), and a join that waits only for the branches that can still arrive."""

from __future__ import annotations

from oms.engine.testing.builder import ProcessBuilder, process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def _fork_and_join(process_id: str, *, default: bool = True) -> ProcessBuilder:
    """fork(a if wantA, b if wantB, else c) → tasks → join → done."""
    builder = (
        process(process_id)
        .start_event()
        .inclusive_gateway("fork", default="f_default" if default else None)
        .condition("= wantA")
        .service_task("a", job_type=f"{process_id}.a")
        .inclusive_gateway("join")
        .service_task("after", job_type=f"{process_id}.after")
        .end_event("done")
        .branch_from("fork")
        .condition("= wantB")
        .service_task("b", job_type=f"{process_id}.b")
        .connect_to("join")
    )
    if default:
        builder = (
            builder.branch_from("fork")
            .sequence_flow_id("f_default")
            .service_task("c", job_type=f"{process_id}.c")
            .connect_to("join")
        )
    return builder


def test_fork_takes_every_flow_whose_condition_is_true(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("inclusive-fork")
    process_test.deploy(_fork_and_join(process_id).done())
    # when
    instance = process_test.create_instance(process_id, {"wantA": True, "wantB": True})
    # then
    process_test.assert_that(instance).is_waiting_at_elements("a", "b").has_not_activated_elements("c")


def test_fork_takes_the_default_flow_when_no_condition_is_true(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("inclusive-default")
    process_test.deploy(_fork_and_join(process_id).done())
    # when
    instance = process_test.create_instance(process_id, {"wantA": False, "wantB": False})
    # then
    process_test.assert_that(instance).is_waiting_at_elements("c").has_not_activated_elements("a", "b")


def test_fork_without_true_condition_or_default_raises_condition_error(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("inclusive-no-default")
    process_test.deploy(_fork_and_join(process_id, default=False).done())
    # when
    instance = process_test.create_instance(process_id, {"wantA": False, "wantB": False})
    # then
    incident = process_test.assert_that(instance).is_active().has_incident("CONDITION_ERROR", "fork")
    # when: the data is fixed and the incident resolved
    process_test.engine.set_variables(instance.process_instance_key, {"wantB": True})
    process_test.engine.resolve_incident(incident.key)
    # then
    process_test.assert_that(instance).is_waiting_at_elements("b")


def test_join_waits_for_every_branch_that_was_taken(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("inclusive-join-all")
    process_test.deploy(_fork_and_join(process_id).done())
    instance = process_test.create_instance(process_id, {"wantA": True, "wantB": True})
    # when
    process_test.complete_job(f"{process_id}.a")
    # then
    process_test.assert_that(instance).is_waiting_at_elements("b").has_not_activated_elements("join", "after")
    # when
    process_test.complete_job(f"{process_id}.b")
    # then
    process_test.assert_that(instance).is_waiting_at_elements("after")
    assert _activations(process_test, instance.process_instance_key, "join") == 1


def test_join_does_not_wait_for_a_branch_that_was_not_taken(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("inclusive-join-one")
    process_test.deploy(_fork_and_join(process_id).done())
    instance = process_test.create_instance(process_id, {"wantA": True, "wantB": False})
    # when
    process_test.complete_job(f"{process_id}.a")
    # then
    process_test.assert_that(instance).is_waiting_at_elements("after").has_completed_elements("join")
    # when
    process_test.complete_job(f"{process_id}.after")
    # then
    process_test.assert_that(instance).is_completed()


def test_join_activates_when_a_waited_for_branch_ends_elsewhere(process_test: ProcessTestHarness) -> None:
    # given: branch b may leave through an end event before the join
    process_id = unique_id("inclusive-join-escape")
    process_test.deploy(
        process(process_id)
        .start_event()
        .inclusive_gateway("fork")
        .condition("= true")
        .service_task("a", job_type=f"{process_id}.a")
        .inclusive_gateway("join")
        .end_event("done")
        .branch_from("fork")
        .condition("= true")
        .service_task("b", job_type=f"{process_id}.b")
        .exclusive_gateway("check", default="f_join")
        .condition("= skip")
        .end_event("skipped")
        .branch_from("check")
        .sequence_flow_id("f_join")
        .connect_to("join")
        .done()
    )
    instance = process_test.create_instance(process_id)
    process_test.complete_job(f"{process_id}.a")
    process_test.assert_that(instance).has_not_activated_elements("join")
    # when
    process_test.complete_job(f"{process_id}.b", {"skip": True})
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("skipped", "join", "done")


def test_join_inside_a_sub_process_waits_for_its_own_branches(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("inclusive-sub")
    process_test.deploy(
        process(process_id)
        .start_event()
        .sub_process("sub")
        .start_event("sub_start")
        .inclusive_gateway("fork")
        .condition("= true")
        .service_task("a", job_type=f"{process_id}.a")
        .inclusive_gateway("join")
        .end_event("sub_end")
        .branch_from("fork")
        .condition("= true")
        .service_task("b", job_type=f"{process_id}.b")
        .connect_to("join")
        .end_sub_process()
        .end_event("done")
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.complete_job(f"{process_id}.b")
    # then
    process_test.assert_that(instance).is_waiting_at_elements("sub", "a")
    # when
    process_test.complete_job(f"{process_id}.a")
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("join", "sub", "done")


def _activations(process_test: ProcessTestHarness, process_instance_key: int, element_id: str) -> int:
    return sum(
        1
        for r in process_test.engine.queries.records(process_instance_key)
        if r.element_id == element_id and r.intent == "ELEMENT_ACTIVATED"
    )
