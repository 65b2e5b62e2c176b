"""Exclusive gateway: the first outgoing flow (in document order) whose condition is true, else
the default flow, else a CONDITION_ERROR incident that can be resolved after fixing variables."""

from __future__ import annotations

from oms.engine.commands.instances import CreatedInstance
from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def _taken_flows(process_test: ProcessTestHarness, instance: CreatedInstance) -> list[str | None]:
    return [
        r.element_id
        for r in process_test.engine.queries.records(instance.process_instance_key)
        if r.intent == "SEQUENCE_FLOW_TAKEN"
    ]


def _amount_router(process_id: str, *, default: bool) -> bytes:
    builder = (
        process(process_id)
        .start_event("start")
        .exclusive_gateway("xor", default="to_small" if default else None)
        .sequence_flow_id("to_huge")
        .condition("= amount > 1000")
        .end_event("huge")
        .branch_from("xor")
        .sequence_flow_id("to_big")
        .condition("= amount > 100")
        .end_event("big")
    )
    if default:
        builder = builder.branch_from("xor").sequence_flow_id("to_small").end_event("small")
    return builder.done()


def test_takes_the_first_flow_whose_condition_is_true(process_test: ProcessTestHarness) -> None:
    # given: both conditions are true for 5000; the first in document order wins
    process_id = unique_id("xor-first")
    process_test.deploy(_amount_router(process_id, default=True))
    # when
    instance = process_test.create_instance(process_id, {"amount": 5000})
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("xor", "huge").has_not_activated_elements(
        "big", "small"
    )
    assert _taken_flows(process_test, instance) == ["flow_start_xor", "to_huge"]


def test_takes_a_later_flow_when_only_its_condition_is_true(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("xor-second")
    process_test.deploy(_amount_router(process_id, default=True))
    # when
    instance = process_test.create_instance(process_id, {"amount": 500})
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("big").has_not_activated_elements(
        "huge", "small"
    )


def test_takes_default_flow_when_no_condition_matches(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("xor-default")
    process_test.deploy(_amount_router(process_id, default=True))
    # when
    instance = process_test.create_instance(process_id, {"amount": 5})
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("small").has_not_activated_elements(
        "huge", "big"
    )
    assert _taken_flows(process_test, instance) == ["flow_start_xor", "to_small"]


def test_raises_condition_error_when_no_condition_matches_and_there_is_no_default(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("xor-no-match")
    process_test.deploy(_amount_router(process_id, default=False))
    # when
    instance = process_test.create_instance(process_id, {"amount": 5})
    # then
    incident = process_test.assert_that(instance).is_active().has_incident("CONDITION_ERROR", "xor")
    assert "xor" in incident.error_message
    process_test.assert_that(instance).has_not_activated_elements("huge", "big")


def test_condition_that_is_not_a_boolean_raises_condition_error(process_test: ProcessTestHarness) -> None:
    # given: with no amount, "amount > 1000" is null
    process_id = unique_id("xor-null")
    process_test.deploy(_amount_router(process_id, default=True))
    # when
    instance = process_test.create_instance(process_id)
    # then
    process_test.assert_that(instance).is_active().has_incident("CONDITION_ERROR", "xor")
    process_test.assert_that(instance).has_not_activated_elements("huge", "big", "small")


def test_resolving_the_condition_incident_after_setting_variables_continues(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("xor-resolve")
    process_test.deploy(_amount_router(process_id, default=False))
    instance = process_test.create_instance(process_id, {"amount": 5})
    incident = process_test.assert_that(instance).has_incident("CONDITION_ERROR", "xor")
    # when
    process_test.engine.set_variables(instance.process_instance_key, {"amount": 200})
    process_test.engine.resolve_incident(incident.key)
    # then
    process_test.assert_incident(incident.key).is_resolved()
    process_test.assert_that(instance).is_completed().has_no_incidents().has_completed_elements("xor", "big")


def test_resolving_without_fixing_the_cause_raises_a_new_incident(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("xor-resolve-again")
    process_test.deploy(_amount_router(process_id, default=False))
    instance = process_test.create_instance(process_id, {"amount": 5})
    incident = process_test.assert_that(instance).has_incident("CONDITION_ERROR", "xor")
    # when
    process_test.engine.resolve_incident(incident.key)
    # then
    again = process_test.assert_that(instance).is_active().has_incident("CONDITION_ERROR", "xor")
    assert again.key != incident.key


def test_gateway_with_a_single_unconditional_flow_just_passes(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("xor-single")
    process_test.deploy(process(process_id).start_event().exclusive_gateway("xor").end_event("end").done())
    # when
    instance = process_test.create_instance(process_id)
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("xor", "end")


def test_gateway_can_loop_back(process_test: ProcessTestHarness) -> None:
    # given: a counter loop through a script task and a gateway
    process_id = unique_id("xor-loop")
    process_test.deploy(
        process(process_id)
        .start_event()
        .script_task("inc", expression="=counter + 1", result_variable="counter")
        .exclusive_gateway("xor", default="again")
        .condition("= counter >= 3")
        .end_event("end")
        .branch_from("xor")
        .sequence_flow_id("again")
        .connect_to("inc")
        .done()
    )
    # when
    instance = process_test.create_instance(process_id, {"counter": 0})
    # then
    process_test.assert_that(instance).is_completed().has_variable("counter", 3)
    completed_inc = [
        e
        for e in process_test.engine.queries.element_instances(instance.process_instance_key)
        if e.element_id == "inc" and e.state == "COMPLETED"
    ]
    assert len(completed_inc) == 3


def test_gateway_as_a_merge_passes_every_token_without_waiting(process_test: ProcessTestHarness) -> None:
    # given: two parallel branches meet at an exclusive gateway
    process_id = unique_id("xor-merge")
    process_test.deploy(
        process(process_id)
        .start_event()
        .parallel_gateway("fork")
        .manual_task("a")
        .exclusive_gateway("merge")
        .end_event("end")
        .branch_from("fork")
        .manual_task("b")
        .connect_to("merge")
        .done()
    )
    # when
    instance = process_test.create_instance(process_id)
    # then
    process_test.assert_that(instance).is_completed()
    completed_ends = [
        e
        for e in process_test.engine.queries.element_instances(instance.process_instance_key)
        if e.element_id in ("merge", "end") and e.state == "COMPLETED"
    ]
    assert len(completed_ends) == 4
