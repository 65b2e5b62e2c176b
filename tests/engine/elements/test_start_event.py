"""None start event: the process starts there, applies its output mappings and moves on."""

from __future__ import annotations

from oms.engine.commands.instances import CreatedInstance
from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def _element_intents(process_test: ProcessTestHarness, instance: CreatedInstance, element_id: str) -> list[str]:
    return [
        r.intent
        for r in process_test.engine.queries.records(instance.process_instance_key)
        if r.value_type == "PROCESS_INSTANCE" and r.element_id == element_id
    ]


def test_start_event_activates_completes_and_takes_its_outgoing_flow(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("start")
    process_test.deploy(process(process_id).start_event("start").end_event("end").done())
    # when
    instance = process_test.create_instance(process_id)
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("start", "end", in_order=True)
    assert _element_intents(process_test, instance, "start") == [
        "ELEMENT_ACTIVATING",
        "ELEMENT_ACTIVATED",
        "ELEMENT_COMPLETING",
        "ELEMENT_COMPLETED",
    ]
    assert _element_intents(process_test, instance, "flow_start_end") == ["SEQUENCE_FLOW_TAKEN"]


def test_start_event_output_mappings_set_root_variables(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("start-outputs")
    process_test.deploy(
        process(process_id).start_event("start", outputs={"greeting": '="hello " + name'}).end_event("end").done()
    )
    # when
    instance = process_test.create_instance(process_id, {"name": "ada"})
    # then
    process_test.assert_that(instance).is_completed().has_variable("greeting", "hello ada")


def test_process_with_only_a_start_event_completes_at_once(process_test: ProcessTestHarness) -> None:
    # given: a start event without outgoing flows consumes the token
    process_id = unique_id("start-only")
    process_test.deploy(process(process_id).start_event("start").done())
    # when
    instance = process_test.create_instance(process_id)
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("start")


def test_failing_start_event_output_mapping_raises_an_io_mapping_incident(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("start-bad-output")
    process_test.deploy(
        process(process_id).start_event("start", outputs={"x": "=unknownFunction(1)"}).end_event("end").done()
    )
    # when
    instance = process_test.create_instance(process_id)
    # then
    incident = process_test.assert_that(instance).is_active().has_incident("IO_MAPPING_ERROR", "start")
    assert "unknownFunction" in incident.error_message
    process_test.assert_that(instance).has_not_activated_elements("end")
