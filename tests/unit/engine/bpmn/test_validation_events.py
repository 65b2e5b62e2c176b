"""Rules for intermediate and boundary events and their timer, message and error definitions."""

from __future__ import annotations

import pytest
from bpmn_test_support import process_xml, service_task, start_to, the_problem

from oms.engine.bpmn.parser import parse_bpmn
from oms.engine.testing.builder import ProcessBuilder, process


def with_task() -> ProcessBuilder:
    return process("p").start_event().service_task("task", job_type="w").end_event()


def test_intermediate_catch_event_without_definition_is_rejected() -> None:
    xml = process_xml(start_to("c") + '<bpmn:intermediateCatchEvent id="c" />')

    the_problem(xml, "c", "intermediate catch event needs a message, timer or signal event definition")


def test_intermediate_timer_catch_event_with_cycle_is_rejected() -> None:
    xml = process("p").start_event().intermediate_catch_timer("c", cycle="R3/PT1M").done()

    the_problem(xml, "c", "must have a timeDuration or a timeDate, not a timeCycle")


def test_intermediate_message_throw_event_is_unsupported() -> None:
    event = '<bpmn:intermediateThrowEvent id="e"><bpmn:messageEventDefinition /></bpmn:intermediateThrowEvent>'

    the_problem(
        process_xml(start_to("e") + event),
        "e",
        "unsupported element intermediateThrowEvent with messageEventDefinition",
    )


def test_event_with_several_definitions_is_unsupported() -> None:
    event = (
        '<bpmn:intermediateCatchEvent id="c"><bpmn:timerEventDefinition>'
        "<bpmn:timeDuration>PT1M</bpmn:timeDuration>"
        "</bpmn:timerEventDefinition><bpmn:terminateEventDefinition /></bpmn:intermediateCatchEvent>"
    )

    the_problem(process_xml(start_to("c") + event), "c", "several event definitions")


def test_boundary_event_without_definition_is_rejected() -> None:
    boundary = '<bpmn:boundaryEvent id="b" attachedToRef="t" />'

    the_problem(
        process_xml(start_to("t") + service_task("t") + boundary),
        "b",
        "needs an error, escalation, timer, message or signal",
    )


def test_boundary_event_without_attached_to_ref_is_rejected() -> None:
    boundary = '<bpmn:boundaryEvent id="b"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>'

    the_problem(process_xml(start_to("t") + service_task("t") + boundary), "b", "boundary event has no attachedToRef")


def test_boundary_event_attached_to_unknown_element_is_rejected() -> None:
    boundary = '<bpmn:boundaryEvent id="b" attachedToRef="ghost"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>'

    the_problem(
        process_xml(start_to("t") + service_task("t") + boundary),
        "b",
        "attachedToRef 'ghost' is not an element",
    )


def test_boundary_event_attached_to_non_activity_is_rejected() -> None:
    boundary = '<bpmn:boundaryEvent id="b" attachedToRef="start"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>'

    the_problem(process_xml(start_to("t") + service_task("t") + boundary), "b", "must be attached to an activity")


def test_boundary_event_with_incoming_flow_is_rejected() -> None:
    xml = with_task().boundary_error("b", attached_to="task").end_event("after").branch_from("task").connect_to("b")

    the_problem(xml.done(), "b", "boundary event must not have incoming sequence flows")


def test_boundary_event_without_outgoing_flow_is_rejected() -> None:
    xml = with_task().boundary_timer("b", attached_to="task", duration="PT1M").done()

    the_problem(xml, "b", "boundary event needs an outgoing sequence flow")


def test_non_interrupting_error_boundary_event_is_rejected() -> None:
    xml = with_task().boundary_error("b", attached_to="task", interrupting=False).end_event("x").done()

    the_problem(xml, "b", "error boundary events are always interrupting")


def test_interrupting_timer_boundary_event_with_cycle_is_rejected() -> None:
    xml = with_task().boundary_timer("b", attached_to="task", cycle="R/PT1M").end_event("x").done()

    the_problem(xml, "b", "interrupting timer boundary event with a timeCycle is not allowed")


def test_non_interrupting_message_boundary_event_is_valid() -> None:
    xml = (
        with_task()
        .boundary_message("b", attached_to="task", name="ping", correlation_key="=id", interrupting=False)
        .end_event("x")
        .done()
    )

    [parsed] = parse_bpmn(xml)

    assert not parsed.element("b").interrupting
    assert parsed.element("task").boundary_event_ids == ("b",)


def test_catching_error_code_must_be_static() -> None:
    xml = with_task().boundary_error("b", attached_to="task", code="=code").end_event("x").done()

    the_problem(xml, "b", "errorCode of a catching event must be static")


def test_boundary_error_with_unknown_error_is_rejected() -> None:
    boundary = (
        '<bpmn:boundaryEvent id="b" attachedToRef="t"><bpmn:errorEventDefinition errorRef="nope" />'
        "</bpmn:boundaryEvent>"
    )

    the_problem(process_xml(start_to("t") + service_task("t") + boundary), "b", "errorRef 'nope' does not point")


def test_message_catch_event_without_message_ref_is_rejected() -> None:
    event = '<bpmn:intermediateCatchEvent id="c"><bpmn:messageEventDefinition /></bpmn:intermediateCatchEvent>'

    the_problem(process_xml(start_to("c") + event), "c", "messageRef is missing")


def test_timer_without_value_is_rejected() -> None:
    event = '<bpmn:intermediateCatchEvent id="c"><bpmn:timerEventDefinition /></bpmn:intermediateCatchEvent>'

    the_problem(process_xml(start_to("c") + event), "c", "exactly one of timeDuration, timeDate, timeCycle")


def test_timer_with_two_values_is_rejected() -> None:
    event = (
        '<bpmn:intermediateCatchEvent id="c"><bpmn:timerEventDefinition>'
        "<bpmn:timeDuration>PT1M</bpmn:timeDuration>"
        "<bpmn:timeDate>2030-01-01T00:00:00Z</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
    )

    the_problem(process_xml(start_to("c") + event), "c", "exactly one of timeDuration, timeDate, timeCycle")


def test_empty_timer_value_is_rejected() -> None:
    event = (
        '<bpmn:intermediateCatchEvent id="c"><bpmn:timerEventDefinition>'
        "<bpmn:timeDuration> </bpmn:timeDuration>"
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
    )

    the_problem(process_xml(start_to("c") + event), "c", "timer timeDuration is empty")


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("duration", "10 seconds"),
        ("date", "2024-13-01T00:00:00Z"),
        ("date", "2024-05-01T10:00:00"),
        ("cycle", "R3/10S"),
        ("cycle", "* * * * *"),
    ],
)
def test_invalid_static_timer_is_rejected(kind: str, value: str) -> None:
    builder = process("p").start_event().service_task("task", job_type="w").end_event()
    xml = builder.boundary_timer("b", attached_to="task", interrupting=False, **{kind: value}).end_event("x").done()

    the_problem(xml, "b", f"'{value}'", "invalid timer time")


def test_feel_timer_value_is_left_for_runtime() -> None:
    xml = process("p").start_event().intermediate_catch_timer("c", duration="=slaDuration").end_event().done()

    [parsed] = parse_bpmn(xml)

    timer = parsed.element("c").timer
    assert timer is not None
    assert timer.expression.source == "slaDuration"
    assert not timer.expression.is_static
