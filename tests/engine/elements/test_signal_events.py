"""Signal events: a broadcast reaches every subscription of its tenant open for its name at that
moment (signal start events of the latest version, intermediate catch events, boundary events,
event sub-processes); signals have no correlation key and are never buffered. Intermediate throw
and end events broadcast with their local variables."""

from __future__ import annotations

import pytest

from oms.engine.errors import InvalidStateError
from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def _waiting_for(process_id: str, signal: str) -> bytes:
    """start → catch signal → done."""
    return process(process_id).start_event().intermediate_catch_signal("wait", name=signal).end_event("done").done()


def _task_with_boundary(process_id: str, signal: str, *, interrupting: bool) -> bytes:
    """start → work (signal boundary → on_signal) → done."""
    return (
        process(process_id)
        .start_event()
        .service_task("work", job_type=f"{process_id}.work")
        .end_event("done")
        .boundary_signal("signaled", attached_to="work", name=signal, interrupting=interrupting)
        .end_event("on_signal")
        .done()
    )


def _open_subscriptions(process_test: ProcessTestHarness, process_id: str) -> list[str]:
    return [
        s.target_element_id for s in process_test.engine.queries.signal_subscriptions(process_id) if s.state == "OPEN"
    ]


# ----------------------------------------------------------------------------- start events


def test_a_broadcast_starts_an_instance_of_every_process_with_a_matching_signal_start_event(
    process_test: ProcessTestHarness,
) -> None:
    # given
    first, second, signal = unique_id("sig-start-a"), unique_id("sig-start-b"), unique_id("go")
    for process_id in (first, second):
        process_test.deploy(
            process(process_id)
            .signal_start_event("started", name=signal)
            .service_task("work", job_type=f"{process_id}.w")
            .done()
        )
    # when
    process_test.engine.broadcast_signal(signal, {"orderId": "o-1"})
    # then: one instance of each, with the signal's variables
    for process_id in (first, second):
        (instance,) = process_test.engine.queries.process_instances(process_id)
        process_test.assert_that(instance.key).is_waiting_at_elements("work").has_variable("orderId", "o-1")
        process_test.assert_that(instance.key).has_completed_elements("started")


def test_only_the_latest_version_listens_to_its_signal_start_event(process_test: ProcessTestHarness) -> None:
    # given
    process_id, signal = unique_id("sig-start-version"), unique_id("go")
    process_test.deploy(process(process_id).signal_start_event("started", name=signal).end_event().done())
    process_test.deploy(process(process_id).signal_start_event("started", name=signal).end_event("v2_end").done())
    # when
    process_test.engine.broadcast_signal(signal)
    # then
    (instance,) = process_test.engine.queries.process_instances(process_id)
    assert instance.version == 2
    assert _open_subscriptions(process_test, process_id) == ["started"]


def test_a_new_version_without_the_signal_start_event_removes_the_subscription(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id, signal = unique_id("sig-start-removed"), unique_id("go")
    process_test.deploy(process(process_id).signal_start_event("started", name=signal).end_event().done())
    process_test.deploy(process(process_id).start_event().end_event().done())
    # when
    process_test.engine.broadcast_signal(signal)
    # then
    assert process_test.engine.queries.process_instances(process_id) == []
    assert _open_subscriptions(process_test, process_id) == []


def test_a_signal_of_another_tenant_is_not_heard(process_test: ProcessTestHarness) -> None:
    # given
    process_id, signal = unique_id("sig-tenant"), unique_id("go")
    xml = process(process_id).signal_start_event("started", name=signal).end_event().done()
    process_test.engine.deploy(("tenant.bpmn", xml), tenant_id="tenant-a")
    # when
    process_test.engine.broadcast_signal(signal, tenant_id="tenant-b")
    process_test.engine.broadcast_signal(signal)
    # then
    assert process_test.engine.queries.process_instances(process_id) == []
    process_test.engine.broadcast_signal(signal, tenant_id="tenant-a")
    (instance,) = process_test.engine.queries.process_instances(process_id)
    process_test.assert_that(instance.key).is_completed()


# ----------------------------------------------------------------------------- intermediate catch events


def test_a_broadcast_continues_every_instance_waiting_at_a_matching_catch_event(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id, signal = unique_id("sig-catch"), unique_id("ready")
    process_test.deploy(_waiting_for(process_id, signal))
    instances = [process_test.create_instance(process_id) for _ in range(3)]
    # when
    process_test.engine.broadcast_signal(signal, {"ready": True})
    # then
    for instance in instances:
        process_test.assert_that(instance).is_completed().has_completed_elements("wait", "done").has_variable(
            "ready", True
        )
    assert _open_subscriptions(process_test, process_id) == []


def test_a_signal_is_not_buffered(process_test: ProcessTestHarness) -> None:
    # given: the instance reaches the catch event only after the broadcast
    process_id, signal = unique_id("sig-not-buffered"), unique_id("ready")
    process_test.deploy(
        process(process_id)
        .start_event()
        .service_task("before", job_type=f"{process_id}.before")
        .intermediate_catch_signal("wait", name=signal)
        .end_event()
        .done()
    )
    instance = process_test.create_instance(process_id)
    process_test.engine.broadcast_signal(signal)
    # when
    process_test.complete_job(f"{process_id}.before")
    # then
    process_test.assert_that(instance).is_active().is_waiting_at_elements("wait")
    process_test.engine.broadcast_signal(signal)
    process_test.assert_that(instance).is_completed()


def test_the_signal_name_of_a_catch_event_can_be_a_feel_expression(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("sig-feel")
    process_test.deploy(_waiting_for(process_id, '= "ready-" + orderId'))
    instance = process_test.create_instance(process_id, {"orderId": "o-7"})
    # when
    process_test.engine.broadcast_signal("ready-o-8")
    process_test.assert_that(instance).is_active()
    process_test.engine.broadcast_signal("ready-o-7")
    # then
    process_test.assert_that(instance).is_completed()


def test_an_event_based_gateway_takes_the_signal_that_comes_first(process_test: ProcessTestHarness) -> None:
    # given
    process_id, signal = unique_id("sig-gateway"), unique_id("ready")
    process_test.deploy(
        process(process_id)
        .start_event()
        .event_based_gateway("gateway")
        .intermediate_catch_signal("by_signal", name=signal)
        .end_event("signaled")
        .branch_from("gateway")
        .intermediate_catch_timer("by_timer", duration="PT1H")
        .end_event("timed_out")
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.engine.broadcast_signal(signal)
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("by_signal", "signaled")
    process_test.assert_that(instance).has_not_activated_elements("by_timer", "timed_out")
    assert _open_subscriptions(process_test, process_id) == []


# ----------------------------------------------------------------------------- boundary events


def test_an_interrupting_signal_boundary_terminates_the_task_and_cancels_its_job(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id, signal = unique_id("sig-boundary"), unique_id("abort")
    process_test.deploy(_task_with_boundary(process_id, signal, interrupting=True))
    instance = process_test.create_instance(process_id)
    job = process_test.activate_job(f"{process_id}.work")
    # when
    process_test.engine.broadcast_signal(signal, {"reason": "stop"})
    # then
    process_test.assert_that(instance).is_completed().has_terminated_elements("work").has_completed_elements(
        "signaled", "on_signal"
    ).has_variable("reason", "stop")
    process_test.assert_job(job.key).is_in_state("CANCELED")
    assert _open_subscriptions(process_test, process_id) == []


def test_a_non_interrupting_signal_boundary_keeps_the_task_and_hears_every_broadcast(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id, signal = unique_id("sig-boundary-non"), unique_id("remind")
    process_test.deploy(_task_with_boundary(process_id, signal, interrupting=False))
    instance = process_test.create_instance(process_id)
    # when
    process_test.engine.broadcast_signal(signal)
    process_test.engine.broadcast_signal(signal)
    # then
    reached = [e for e in process_test.engine.queries.element_instances(instance.process_instance_key)]
    assert [e.element_id for e in reached].count("on_signal") == 2
    process_test.assert_that(instance).is_waiting_at_elements("work")
    # and: completing the task closes the subscription
    process_test.complete_job(f"{process_id}.work")
    process_test.assert_that(instance).is_completed()
    assert _open_subscriptions(process_test, process_id) == []


def test_a_signal_boundary_on_a_sub_process_terminates_everything_inside(process_test: ProcessTestHarness) -> None:
    # given
    process_id, signal = unique_id("sig-sub"), unique_id("abort")
    process_test.deploy(
        process(process_id)
        .start_event()
        .sub_process("sub")
        .start_event("sub_start")
        .service_task("inner", job_type=f"{process_id}.inner")
        .end_event("sub_end")
        .end_sub_process()
        .end_event("done")
        .boundary_signal("aborted", attached_to="sub", name=signal)
        .end_event("on_abort")
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.engine.broadcast_signal(signal)
    # then
    process_test.assert_that(instance).is_completed().has_terminated_elements("sub", "inner").has_completed_elements(
        "on_abort"
    )


# ----------------------------------------------------------------------------- event sub-processes


def test_an_interrupting_signal_event_sub_process_ends_the_main_flow(process_test: ProcessTestHarness) -> None:
    # given
    process_id, signal = unique_id("sig-esp"), unique_id("cancel-all")
    process_test.deploy(
        process(process_id)
        .start_event()
        .service_task("work", job_type=f"{process_id}.work")
        .end_event("done")
        .event_sub_process("on_cancel")
        .signal_start_event("cancel_start", name=signal)
        .end_event("canceled")
        .end_sub_process()
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.engine.broadcast_signal(signal, {"why": "customer"})
    # then
    process_test.assert_that(instance).is_completed().has_terminated_elements("work").has_completed_elements(
        "on_cancel", "canceled"
    ).has_variable("why", "customer")
    assert _open_subscriptions(process_test, process_id) == []


def test_a_non_interrupting_signal_event_sub_process_runs_beside_the_main_flow(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id, signal = unique_id("sig-esp-non"), unique_id("audit")
    process_test.deploy(
        process(process_id)
        .start_event()
        .service_task("work", job_type=f"{process_id}.work")
        .end_event("done")
        .event_sub_process("on_audit")
        .signal_start_event("audit_start", name=signal, interrupting=False)
        .service_task("audit", job_type=f"{process_id}.audit")
        .end_event("audited")
        .end_sub_process()
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.engine.broadcast_signal(signal)
    # then
    process_test.assert_that(instance).is_waiting_at_elements("work", "audit")
    process_test.complete_job(f"{process_id}.audit")
    process_test.complete_job(f"{process_id}.work")
    process_test.assert_that(instance).is_completed()


# ----------------------------------------------------------------------------- throw events


def test_a_signal_end_event_broadcasts_with_its_input_variables(process_test: ProcessTestHarness) -> None:
    # given
    thrower, catcher, signal = unique_id("sig-thrower"), unique_id("sig-catcher"), unique_id("done")
    process_test.deploy(_waiting_for(catcher, signal))
    process_test.deploy(
        process(thrower)
        .start_event()
        .signal_end_event("announce", name=signal, inputs={"result": '= "ok-" + orderId'})
        .done()
    )
    waiting = process_test.create_instance(catcher)
    # when
    throwing = process_test.create_instance(thrower, {"orderId": "o-1", "secret": "s"})
    # then: the catcher got the thrower's local variables only
    process_test.assert_that(throwing).is_completed()
    process_test.assert_that(waiting).is_completed().has_variable("result", "ok-o-1").has_no_variable("secret")


def test_an_intermediate_throw_event_reaches_its_own_instance_and_goes_on(process_test: ProcessTestHarness) -> None:
    # given: one branch waits for the signal, the other throws it once its job is done
    process_id, signal = unique_id("sig-self"), unique_id("go")
    process_test.deploy(
        process(process_id)
        .start_event()
        .parallel_gateway("fork")
        .intermediate_catch_signal("wait", name=signal)
        .end_event("heard")
        .branch_from("fork")
        .service_task("work", job_type=f"{process_id}.work")
        .intermediate_throw_signal("announce", name=signal)
        .end_event("thrown")
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.complete_job(f"{process_id}.work")
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("announce", "thrown", "wait", "heard")


def test_a_broadcast_starts_and_continues_instances_and_records_it(process_test: ProcessTestHarness) -> None:
    # given
    starter, catcher, signal = unique_id("sig-both-start"), unique_id("sig-both-catch"), unique_id("tick")
    process_test.deploy(process(starter).signal_start_event("started", name=signal).end_event().done())
    process_test.deploy(_waiting_for(catcher, signal))
    waiting = process_test.create_instance(catcher)
    # when
    broadcast = process_test.engine.broadcast_signal(signal)
    # then
    process_test.assert_that(waiting).is_completed()
    assert len(process_test.engine.queries.process_instances(starter)) == 1
    records = [r for r in process_test.engine.queries.records() if r.key == broadcast.key]
    assert [(r.value_type, r.intent) for r in records] == [("SIGNAL", "BROADCASTED")]
    correlated = [
        r
        for r in process_test.engine.queries.records(waiting.process_instance_key)
        if r.value_type == "SIGNAL_SUBSCRIPTION" and r.intent == "CORRELATED"
    ]
    assert len(correlated) == 1 and correlated[0].value["signalKey"] == broadcast.key


def test_cancelling_an_instance_closes_its_signal_subscriptions(process_test: ProcessTestHarness) -> None:
    # given
    process_id, signal = unique_id("sig-cancel"), unique_id("ready")
    process_test.deploy(_waiting_for(process_id, signal))
    instance = process_test.create_instance(process_id)
    assert _open_subscriptions(process_test, process_id) == ["wait"]
    # when
    process_test.engine.cancel_instance(instance.process_instance_key)
    # then
    assert _open_subscriptions(process_test, process_id) == []
    process_test.engine.broadcast_signal(signal)
    process_test.assert_that(instance).is_terminated()


def test_a_signal_boundary_on_a_call_activity_terminates_the_child_and_refuses_its_late_job(
    process_test: ProcessTestHarness,
) -> None:
    # given: the parent waits in a call activity whose child's job is activated
    parent_id, child_id, signal = unique_id("sig-call-parent"), unique_id("sig-call-child"), unique_id("abort")
    process_test.deploy(
        process(child_id).start_event().service_task("child_task", job_type=f"{child_id}.work").end_event().done()
    )
    process_test.deploy(
        process(parent_id)
        .start_event()
        .call_activity("call", process_id=child_id)
        .end_event("done")
        .boundary_signal("aborted", attached_to="call", name=signal)
        .end_event("on_abort")
        .done()
    )
    parent = process_test.create_instance(parent_id)
    job = process_test.activate_job(f"{child_id}.work")
    # when
    process_test.engine.broadcast_signal(signal)
    # then
    process_test.assert_that(parent).is_completed().has_terminated_elements("call").has_completed_elements("on_abort")
    (child,) = process_test.engine.queries.process_instances(child_id)
    process_test.assert_that(child.key).is_terminated()
    with pytest.raises(InvalidStateError):
        process_test.engine.complete_job(job.key, {"late": True})
    process_test.assert_that(parent).has_no_variable("late")
