"""Rules for sequence flows, gateways, start and end events."""

from __future__ import annotations

import pytest
from bpmn_test_support import process_xml, service_task, start_to, the_problem

from oms.engine.bpmn.parser import parse_bpmn
from oms.engine.testing.builder import process


def test_process_without_none_start_event_is_rejected() -> None:
    problem = the_problem(process_xml('<bpmn:endEvent id="end" />'), "p", "process has no none start event")

    assert problem.line == 4  # the line of <bpmn:process> in process_xml's document


def test_process_with_two_none_start_events_is_rejected() -> None:
    xml = process_xml('<bpmn:startEvent id="s1" /><bpmn:startEvent id="s2" />')

    the_problem(xml, "s2", "exactly one none start event, found 's1', 's2'")


def test_start_event_with_incoming_flow_is_rejected() -> None:
    xml = process("p").start_event("s").task("t").connect_to("s").done()

    the_problem(xml, "s", "start event must not have incoming sequence flows")


def test_end_event_with_outgoing_flow_is_rejected() -> None:
    xml = process("p").start_event().end_event("e").task("t").done()

    the_problem(xml, "e", "end event must not have outgoing sequence flows")


def test_sequence_flow_to_unknown_element_is_rejected() -> None:
    xml = process_xml(start_to("nowhere"))

    the_problem(xml, "f_start", "targetRef 'nowhere' is not an element of process 'p'")


def test_sequence_flow_without_source_ref_is_rejected() -> None:
    xml = process_xml('<bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f" targetRef="start" />')

    the_problem(xml, "f", "sequence flow has no sourceRef")


def test_condition_must_be_feel() -> None:
    xml = process("p").start_event().exclusive_gateway("g").condition("x > 1").end_event("a").done()

    the_problem(xml, "flow_g_a", "condition 'x > 1' must be a FEEL expression starting with '='")


def test_empty_condition_means_no_condition() -> None:
    xml = process("p").start_event().exclusive_gateway("g").condition("   ").end_event("a").done()

    [parsed] = parse_bpmn(xml)

    assert parsed.flow("flow_g_a").condition is None


@pytest.mark.parametrize("gateway", ["exclusive_gateway", "parallel_gateway", "event_based_gateway"])
def test_gateway_without_outgoing_flow_is_rejected(gateway: str) -> None:
    builder = process("p").start_event()
    xml = getattr(builder, gateway)("g").done()

    the_problem(xml, "g", "gateway has no outgoing sequence flow")


def test_tasks_and_events_without_outgoing_flow_are_allowed() -> None:
    xml = process("p").start_event().service_task("t", job_type="w").done()

    [parsed] = parse_bpmn(xml)

    assert parsed.element("t").outgoing == ()


def test_element_unreachable_from_the_start_event_is_allowed() -> None:
    xml = process_xml('<bpmn:startEvent id="start" />' + service_task("island"))

    [parsed] = parse_bpmn(xml)

    assert parsed.element("island").incoming == ()


def test_exclusive_gateway_default_flow_must_be_outgoing() -> None:
    xml = process("p").start_event().exclusive_gateway("g", default="elsewhere").end_event().done()

    the_problem(xml, "g", "default flow 'elsewhere' is not an outgoing sequence flow")


def test_exclusive_gateway_flows_need_conditions_when_branching() -> None:
    xml = (
        process("p")
        .start_event()
        .exclusive_gateway("g")
        .condition("= x > 1")
        .end_event("a")
        .branch_from("g")
        .end_event("b")
        .done()
    )

    the_problem(xml, "g", "outgoing sequence flow 'flow_g_b' needs a condition")


def test_exclusive_gateway_with_conditions_and_default_is_valid() -> None:
    xml = (
        process("p")
        .start_event()
        .exclusive_gateway("g", default="f_else")
        .condition("= x > 1")
        .end_event("a")
        .branch_from("g")
        .sequence_flow_id("f_else")
        .end_event("b")
        .done()
    )

    [parsed] = parse_bpmn(xml)

    assert parsed.element("g").default_flow_id == "f_else"


def test_exclusive_gateway_with_single_flow_needs_no_condition() -> None:
    [parsed] = parse_bpmn(process("p").start_event().exclusive_gateway("g").end_event().done())

    assert parsed.element("g").outgoing == ("flow_g_end",)


def test_parallel_gateway_conditions_are_rejected() -> None:
    xml = process("p").start_event().parallel_gateway("fork").condition("= x").end_event().done()

    the_problem(xml, "fork", "parallel gateway: conditions on outgoing flows are not allowed (flow 'flow_fork_end')")


def test_conditional_flow_outside_exclusive_gateway_is_rejected() -> None:
    xml = process("p").start_event().service_task("t", job_type="w").condition("= x").end_event().done()

    the_problem(
        xml, "t", "conditional sequence flow 'flow_t_end' is only supported on an exclusive or inclusive gateway"
    )


def test_event_based_gateway_needs_two_flows() -> None:
    xml = process("p").start_event().event_based_gateway("g").intermediate_catch_timer("t", duration="PT1M").done()

    the_problem(xml, "g", "event-based gateway needs at least two outgoing sequence flows")


def test_event_based_gateway_targets_must_be_message_or_timer_catch_events() -> None:
    xml = (
        process("p")
        .start_event()
        .event_based_gateway("g")
        .intermediate_catch_timer("t", duration="PT1M")
        .branch_from("g")
        .service_task("task", job_type="w")
        .done()
    )

    the_problem(xml, "g", "flow 'flow_g_task' must lead to a message, timer or signal intermediate catch event")


def test_error_end_event_without_error_ref_is_rejected() -> None:
    end = '<bpmn:endEvent id="e"><bpmn:errorEventDefinition /></bpmn:endEvent>'

    the_problem(process_xml(start_to("e") + end), "e", "error end event has no errorRef")


def test_error_end_event_with_unknown_error_is_rejected() -> None:
    end = '<bpmn:endEvent id="e"><bpmn:errorEventDefinition errorRef="nope" /></bpmn:endEvent>'

    the_problem(process_xml(start_to("e") + end), "e", "errorRef 'nope' does not point to a bpmn:error")


def test_error_end_event_without_error_code_is_rejected() -> None:
    end = '<bpmn:endEvent id="e"><bpmn:errorEventDefinition errorRef="err" /></bpmn:endEvent>'
    xml = process_xml(start_to("e") + end, root_elements='<bpmn:error id="err" name="oops" />')

    the_problem(xml, "e", "error 'err' has no errorCode")


@pytest.mark.parametrize(("event", "definition"), [("endEvent", "messageEventDefinition")])
def test_message_end_event_is_unsupported(event: str, definition: str) -> None:
    xml = process_xml(f'<bpmn:startEvent id="start" /><bpmn:{event} id="e"><bpmn:{definition} /></bpmn:{event}>')

    the_problem(xml, "e", f"unsupported element {event} with {definition}")


def test_escalation_throw_event_without_escalation_ref_is_rejected() -> None:
    event = '<bpmn:intermediateThrowEvent id="e"><bpmn:escalationEventDefinition /></bpmn:intermediateThrowEvent>'

    the_problem(process_xml(start_to("e") + event), "e", "escalation throw event has no escalationRef")


def test_escalation_end_event_with_unknown_escalation_is_rejected() -> None:
    end = '<bpmn:endEvent id="e"><bpmn:escalationEventDefinition escalationRef="nope" /></bpmn:endEvent>'

    the_problem(process_xml(start_to("e") + end), "e", "escalationRef 'nope' does not point to a bpmn:escalation")


def test_escalation_end_event_without_escalation_code_is_rejected() -> None:
    end = '<bpmn:endEvent id="e"><bpmn:escalationEventDefinition escalationRef="esc" /></bpmn:endEvent>'
    xml = process_xml(start_to("e") + end, root_elements='<bpmn:escalation id="esc" name="up" />')

    the_problem(xml, "e", "escalation 'esc' has no escalationCode")


def test_escalation_start_event_outside_an_event_sub_process_is_rejected() -> None:
    start = '<bpmn:startEvent id="s"><bpmn:escalationEventDefinition /></bpmn:startEvent>'

    the_problem(process_xml(start), "s", "escalation start events are only allowed in an event sub-process")
