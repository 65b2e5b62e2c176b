"""Rules for tasks, their job definitions, scripts, messages and variable mappings."""

from __future__ import annotations

import pytest
from bpmn_test_support import process_xml, start_to, the_problem

from oms.engine.bpmn.parser import parse_bpmn
from oms.engine.testing.builder import process

MESSAGE = (
    '<bpmn:message id="m" name="ack"><bpmn:extensionElements>'
    '<zeebe:subscription correlationKey="=id" /></bpmn:extensionElements></bpmn:message>'
)


@pytest.mark.parametrize(
    ("tag", "kind"),
    [("serviceTask", "service task"), ("sendTask", "send task"), ("businessRuleTask", "business rule task")],
)
def test_service_task_without_task_definition_is_rejected(tag: str, kind: str) -> None:
    xml = process_xml(start_to("t") + f'<bpmn:{tag} id="t" />')

    the_problem(xml, "t", f"{kind} has no zeebe:taskDefinition")


def test_task_definition_without_type_is_rejected() -> None:
    xml = process("p").start_event().service_task("t", job_type="").done()

    the_problem(xml, "t", "zeebe:taskDefinition has no type")


@pytest.mark.parametrize("retries", ["-1", "three", "1.5"])
def test_static_retries_must_be_a_non_negative_integer(retries: str) -> None:
    xml = process("p").start_event().service_task("t", job_type="w", retries=retries).done()

    the_problem(xml, "t", f"retries '{retries}' must be a non-negative integer")


def test_feel_retries_are_checked_at_runtime() -> None:
    [parsed] = parse_bpmn(process("p").start_event().service_task("t", job_type="w", retries="=n").done())

    task_definition = parsed.element("t").task_definition
    assert task_definition is not None
    assert task_definition.retries.source == "n"


def test_business_rule_task_with_called_decision_is_unsupported() -> None:
    task = (
        '<bpmn:businessRuleTask id="t"><bpmn:extensionElements>'
        '<zeebe:calledDecision decisionId="d" resultVariable="r" />'
        "</bpmn:extensionElements></bpmn:businessRuleTask>"
    )

    the_problem(process_xml(start_to("t") + task), "t", "unsupported element zeebe:calledDecision")


def test_header_without_key_is_rejected() -> None:
    xml = process("p").start_event().service_task("t", job_type="w", headers={"": "v"}).done()

    the_problem(xml, "t", "zeebe:header has no key")


def test_duplicate_header_key_is_rejected() -> None:
    xml = process("p").start_event().service_task("t", job_type="w", headers={"k": "1", "K": "2"}).done()

    the_problem(xml.replace(b'key="K"', b'key="k"'), "t", "zeebe:header key 'k' appears more than once")


def test_script_task_without_zeebe_script_is_rejected() -> None:
    the_problem(process_xml(start_to("t") + '<bpmn:scriptTask id="t" />'), "t", "script task has no zeebe:script")


def test_script_expression_must_be_feel() -> None:
    xml = process("p").start_event().script_task("t", expression="a + 1", result_variable="r").done()

    the_problem(xml, "t", "zeebe:script expression 'a + 1' must be a FEEL expression starting with '='")


def test_script_task_without_result_variable_is_rejected() -> None:
    xml = process("p").start_event().script_task("t", expression="=1", result_variable="").done()

    the_problem(xml, "t", "zeebe:script has no resultVariable")


def test_script_task_without_expression_is_rejected() -> None:
    xml = process("p").start_event().script_task("t", expression="", result_variable="r").done()

    the_problem(xml, "t", "zeebe:script has no expression")


def test_script_result_variable_must_be_a_variable_name() -> None:
    xml = process("p").start_event().script_task("t", expression="=1", result_variable="a-b").done()

    the_problem(xml, "t", "zeebe:script resultVariable 'a-b' is not a valid variable name")


def test_script_task_with_job_worker_is_unsupported() -> None:
    task = (
        '<bpmn:scriptTask id="t"><bpmn:extensionElements><zeebe:taskDefinition type="script" />'
        "</bpmn:extensionElements></bpmn:scriptTask>"
    )

    the_problem(process_xml(start_to("t") + task), "t", "script task with zeebe:taskDefinition")


def test_receive_task_without_message_ref_is_rejected() -> None:
    the_problem(process_xml(start_to("t") + '<bpmn:receiveTask id="t" />'), "t", "messageRef is missing")


def test_receive_task_with_unknown_message_is_rejected() -> None:
    xml = process_xml(start_to("t") + '<bpmn:receiveTask id="t" messageRef="nope" />')

    the_problem(xml, "t", "messageRef 'nope' does not point to a bpmn:message")


def test_message_without_name_is_rejected() -> None:
    xml = process_xml(
        start_to("t") + '<bpmn:receiveTask id="t" messageRef="m" />',
        root_elements=MESSAGE.replace(' name="ack"', ""),
    )

    the_problem(xml, "t", "message 'm' has no name")


def test_message_without_correlation_key_is_rejected() -> None:
    message = '<bpmn:message id="m" name="ack" />'
    xml = process_xml(start_to("t") + '<bpmn:receiveTask id="t" messageRef="m" />', root_elements=message)

    the_problem(xml, "t", "message 'm' has no zeebe:subscription correlationKey")


@pytest.mark.parametrize("target", ["1x", "a b", "a..b", "a.", "null", "with-dash", "a.1x"])
def test_mapping_target_must_be_a_variable_name_or_path(target: str) -> None:
    xml = process("p").start_event().service_task("t", job_type="w", outputs={target: "=x"}).done()

    the_problem(xml, "t", f"zeebe:output target '{target}' is not a valid variable name or path")


def test_mapping_target_may_be_a_path_into_a_context() -> None:
    xml = process("p").start_event().service_task("t", job_type="w", outputs={"order.total": "=x"}).done()

    (parsed,) = parse_bpmn(xml)

    assert parsed.element("t").outputs[0].target == "order.total"


def test_mapping_without_target_is_rejected() -> None:
    xml = process("p").start_event().service_task("t", job_type="w", inputs={"x": "=y"}).done()

    the_problem(xml.replace(b' target="x"', b""), "t", "zeebe:input has no target")
