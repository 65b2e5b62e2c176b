"""Undefined task, manual task and intermediate none throw event pass the token on at once,
applying their input and output mappings."""

from __future__ import annotations

import pytest

from oms.engine.commands.instances import CreatedInstance
from oms.engine.testing.builder import ProcessBuilder, process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def _element_intents(process_test: ProcessTestHarness, instance: CreatedInstance, element_id: str) -> list[str]:
    return [
        r.intent
        for r in process_test.engine.queries.records(instance.process_instance_key)
        if r.value_type == "PROCESS_INSTANCE" and r.element_id == element_id
    ]


def _with_mappings(xml: bytes, element_id: str, inputs: dict[str, str], outputs: dict[str, str]) -> bytes:
    """Add a zeebe:ioMapping to an element the builder writes without one."""
    mappings = "".join(f'<zeebe:input source="{s}" target="{t}"/>' for t, s in inputs.items())
    mappings += "".join(f'<zeebe:output source="{s}" target="{t}"/>' for t, s in outputs.items())
    for tag in ("task", "manualTask", "intermediateThrowEvent"):
        opening = f'<bpmn:{tag} id="{element_id}">'.encode()
        if opening in xml:
            extension = (
                f"<bpmn:extensionElements><zeebe:ioMapping>{mappings}</zeebe:ioMapping></bpmn:extensionElements>"
            )
            return xml.replace(opening, opening + extension.encode())
    raise AssertionError(f"no element {element_id}")


_KINDS = {
    "task": lambda b: b.task("pass"),
    "manual_task": lambda b: b.manual_task("pass"),
    "intermediate_throw_event": lambda b: b.intermediate_throw_event("pass"),
}


@pytest.mark.parametrize("kind", sorted(_KINDS))
def test_passes_the_token_on_without_waiting(process_test: ProcessTestHarness, kind: str) -> None:
    # given
    process_id = unique_id(kind.replace("_", "-"))
    builder: ProcessBuilder = _KINDS[kind](process(process_id).start_event())
    process_test.deploy(builder.end_event("end").done())
    # when
    instance = process_test.create_instance(process_id)
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("start", "pass", "end", in_order=True)
    assert _element_intents(process_test, instance, "pass") == [
        "ELEMENT_ACTIVATING",
        "ELEMENT_ACTIVATED",
        "ELEMENT_COMPLETING",
        "ELEMENT_COMPLETED",
    ]


@pytest.mark.parametrize("kind", sorted(_KINDS))
def test_applies_input_and_output_mappings(process_test: ProcessTestHarness, kind: str) -> None:
    # given
    process_id = unique_id(f"{kind.replace('_', '-')}-mappings")
    xml = _KINDS[kind](process(process_id).start_event()).end_event("end").done()
    process_test.deploy(_with_mappings(xml, "pass", {"local": "=x * 10"}, {"y": "=local + 1"}))
    # when
    instance = process_test.create_instance(process_id, {"x": 4})
    # then
    process_test.assert_that(instance).is_completed().has_variable("y", 41).has_no_variable("local")


@pytest.mark.parametrize("kind", sorted(_KINDS))
def test_failing_input_mapping_stops_the_token_with_an_incident(process_test: ProcessTestHarness, kind: str) -> None:
    # given
    process_id = unique_id(f"{kind.replace('_', '-')}-bad-input")
    xml = _KINDS[kind](process(process_id).start_event()).end_event("end").done()
    process_test.deploy(_with_mappings(xml, "pass", {"local": "=unknownFunction(1)"}, {}))
    # when
    instance = process_test.create_instance(process_id)
    # then
    process_test.assert_that(instance).is_active().has_not_activated_elements("end").has_incident(
        "IO_MAPPING_ERROR", "pass"
    )
