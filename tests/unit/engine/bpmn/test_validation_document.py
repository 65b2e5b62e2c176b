"""Rules about the resource as a whole: XML, ids, unsupported elements, FEEL, reporting."""

from __future__ import annotations

import pytest
from bpmn_test_support import definitions, problems_of, process_xml, service_task, start_to, the_problem

from oms.engine.bpmn.errors import BpmnValidationError, Problem
from oms.engine.bpmn.parser import parse_bpmn
from oms.engine.testing.builder import ProcessBuilder, process


def test_problem_names_element_and_line() -> None:
    problem = Problem("task1", 12, "service task has no zeebe:taskDefinition")

    assert str(problem) == "Element 'task1' (line 12): service task has no zeebe:taskDefinition"
    assert str(Problem(None, 3, "malformed XML")) == "Line 3: malformed XML"
    assert str(Problem(None, None, "empty")) == "empty"


def test_validation_error_lists_every_problem() -> None:
    error = BpmnValidationError("order.bpmn", [Problem("a", 1, "first"), Problem("b", 2, "second")])

    assert error.resource_name == "order.bpmn"
    assert "Element 'a' (line 1): first" in str(error)
    assert "Element 'b' (line 2): second" in str(error)


def test_malformed_xml_names_the_line() -> None:
    xml = b'<?xml version="1.0"?>\n<bpmn:definitions xmlns:bpmn="x">\n  <bpmn:process>\n</bpmn:definitions>'

    [problem] = problems_of(xml)

    assert problem.line == 4
    assert problem.message.startswith("malformed XML")


def test_empty_resource_is_malformed_xml() -> None:
    [problem] = problems_of(b"")

    assert "malformed XML" in problem.message


def test_doctype_is_rejected() -> None:
    # given: the classic entity-expansion bomb
    xml = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n'
        b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol2;</bpmn:definitions>'
    )

    [problem] = problems_of(xml)

    assert "DOCTYPE" in problem.message


def test_root_other_than_definitions_is_rejected() -> None:
    [problem] = problems_of(b'<process xmlns="urn:other" id="p" />')

    assert "bpmn:definitions" in problem.message


def test_definitions_without_executable_process_is_rejected() -> None:
    xml = definitions('<bpmn:process id="p" isExecutable="false"><bpmn:startEvent id="s" /></bpmn:process>')

    problem = the_problem(xml, None, "no executable process")

    assert problem.line == 2


def test_duplicate_ids_are_rejected() -> None:
    xml = process_xml(start_to("t") + service_task("t") + '<bpmn:endEvent id="t" />')

    problems = problems_of(xml)

    assert [p.element_id for p in problems if "duplicate id 't'" in p.message] == ["t", "t"]


def test_flow_node_without_id_is_rejected() -> None:
    the_problem(process_xml('<bpmn:startEvent id="start" /><bpmn:endEvent />'), None, "endEvent has no id")


@pytest.mark.parametrize(
    "kind",
    [
        "userTask",
        "complexGateway",
        "transaction",
        "adHocSubProcess",
    ],
)
def test_unsupported_element_is_named(kind: str) -> None:
    xml = process_xml(start_to("x") + f'<bpmn:{kind} id="x" />')

    the_problem(xml, "x", f"unsupported element {kind}")


def test_call_activity_without_called_element_is_rejected() -> None:
    the_problem(process_xml(start_to("x") + '<bpmn:callActivity id="x" />'), "x", "no zeebe:calledElement processId")


def test_sub_process_without_a_none_start_event_is_rejected() -> None:
    xml = process_xml(start_to("x") + '<bpmn:subProcess id="x" />')

    the_problem(xml, "x", "sub-process has no none start event")


def test_event_sub_process_without_a_start_event_is_rejected() -> None:
    xml = process_xml(start_to("s") + service_task("s") + '<bpmn:subProcess id="x" triggeredByEvent="true" />')

    the_problem(xml, "x", "event sub-process must have exactly one start event, found 0")


def test_event_sub_process_with_a_none_start_event_is_rejected() -> None:
    esp = '<bpmn:subProcess id="x" triggeredByEvent="true"><bpmn:startEvent id="x_start" /></bpmn:subProcess>'

    the_problem(
        process_xml(start_to("s") + service_task("s") + esp), "x_start", "start event needs an event definition"
    )


def test_error_start_event_outside_an_event_sub_process_is_rejected() -> None:
    xml = process_xml(
        '<bpmn:startEvent id="e"><bpmn:errorEventDefinition /></bpmn:startEvent>'
        '<bpmn:endEvent id="end" /><bpmn:sequenceFlow id="f" sourceRef="e" targetRef="end" />'
    )

    the_problem(xml, "e", "error start events are only allowed in an event sub-process")


def test_sequence_flow_crossing_a_sub_process_border_is_rejected() -> None:
    sub_process = (
        '<bpmn:subProcess id="sub"><bpmn:startEvent id="inner_start" /><bpmn:endEvent id="inner_end" />'
        '<bpmn:sequenceFlow id="f_in" sourceRef="inner_start" targetRef="inner_end" /></bpmn:subProcess>'
        '<bpmn:sequenceFlow id="f_cross" sourceRef="sub" targetRef="inner_end" />'
    )

    the_problem(process_xml(start_to("sub") + sub_process), "f_cross", "different scopes")


def test_standard_loop_task_is_unsupported() -> None:
    loop = "standardLoopCharacteristics"
    task = service_task("t").replace("</bpmn:serviceTask>", f"<bpmn:{loop} /></bpmn:serviceTask>")

    the_problem(process_xml(start_to("t") + task), "t", f"unsupported element {loop}")


def test_multi_instance_without_input_collection_is_rejected() -> None:
    loop = "multiInstanceLoopCharacteristics"
    task = service_task("t").replace("</bpmn:serviceTask>", f"<bpmn:{loop} /></bpmn:serviceTask>")

    the_problem(process_xml(start_to("t") + task), "t", "no zeebe:loopCharacteristics inputCollection")


@pytest.mark.parametrize(
    "definition",
    [
        "compensateEventDefinition",
        "conditionalEventDefinition",
        "linkEventDefinition",
    ],
)
def test_unsupported_event_definition_is_named(definition: str) -> None:
    event = f'<bpmn:intermediateThrowEvent id="e"><bpmn:{definition} /></bpmn:intermediateThrowEvent>'

    the_problem(process_xml(start_to("e") + event), "e", f"unsupported element {definition}")


def test_unknown_bpmn_element_is_rejected() -> None:
    the_problem(process_xml(start_to("x") + '<bpmn:frobnicator id="x" />'), "x", "unknown element bpmn:frobnicator")


def test_execution_listeners_are_unsupported() -> None:
    task = service_task("t").replace(
        "</bpmn:extensionElements>",
        '<zeebe:executionListeners><zeebe:executionListener eventType="start" type="audit" />'
        "</zeebe:executionListeners></bpmn:extensionElements>",
    )

    the_problem(process_xml(start_to("t") + task), "t", "unsupported element zeebe:executionListeners")


def test_unknown_zeebe_extensions_and_foreign_elements_are_ignored() -> None:
    task = service_task("t").replace(
        "</bpmn:extensionElements>",
        '<zeebe:properties><zeebe:property name="a" value="b" /></zeebe:properties>'
        '<other:thing xmlns:other="urn:other" /></bpmn:extensionElements>',
    )

    [parsed] = parse_bpmn(process_xml(start_to("t") + task))

    assert parsed.element("t").task_definition is not None


def _started() -> ProcessBuilder:
    return process("p").start_event()


FEEL_MISTAKES = [
    ("zeebe:input source '= a +'", _started().service_task("t", job_type="w", inputs={"x": "= a +"})),
    ("zeebe:output source '=(b'", _started().service_task("t", job_type="w", outputs={"x": "=(b"})),
    ("zeebe:taskDefinition type '=kind +'", _started().service_task("t", job_type="=kind +")),
    ("zeebe:taskDefinition retries '=1 +'", _started().service_task("t", job_type="w", retries="=1 +")),
    ("zeebe:script expression '=a *'", _started().script_task("t", expression="=a *", result_variable="r")),
    (
        "message 'Message_1' correlationKey '=id +'",
        _started().receive_task("t", name="m", correlation_key="=id +"),
    ),
    ("message 'Message_1' name '=(m'", _started().receive_task("t", name="=(m", correlation_key="=id")),
    ("timer timeDuration '=d +'", _started().intermediate_catch_timer("t", duration="=d +")),
]


@pytest.mark.parametrize(("place", "builder"), FEEL_MISTAKES, ids=[place for place, _ in FEEL_MISTAKES])
def test_every_feel_expression_is_compiled_at_deploy(place: str, builder: ProcessBuilder) -> None:
    the_problem(builder.done(), "t", f"invalid FEEL in {place}")


def test_empty_feel_expression_is_rejected() -> None:
    xml = process("p").start_event().service_task("t", job_type="=").done()

    the_problem(xml, "t", "empty FEEL expression in zeebe:taskDefinition type")


def test_all_problems_are_reported_together() -> None:
    # given: three unrelated mistakes
    xml = (
        process("p")
        .start_event()
        .service_task("no_type", job_type="")
        .script_task("bad_script", expression="not feel", result_variable="r")
        .exclusive_gateway("dead_end")
        .done()
    )

    # when
    problems = problems_of(xml)

    # then: every one is reported, in document order
    assert [p.element_id for p in problems] == ["no_type", "bad_script", "dead_end"]
    assert problems == sorted(problems, key=lambda p: p.line or 0)
