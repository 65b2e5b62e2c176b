"""Parsing tasks and the process root from Modeler-like XML (fixtures/tasks.bpmn)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from bpmn_test_support import definitions, process_xml, service_task, start_to

from oms.engine.bpmn.model import ElementType, EventKind, Expression, Process, VariableMapping
from oms.engine.bpmn.parser import parse_bpmn
from oms.engine.testing.builder import process


@pytest.fixture
def order(fixture_xml: Callable[[str], bytes]) -> Process:
    [parsed] = parse_bpmn(fixture_xml("tasks.bpmn"), "tasks.bpmn")
    return parsed


def test_reads_the_process_root(order: Process) -> None:
    # when
    root = order.root

    # then
    assert (order.id, order.name) == ("order-fulfillment", "Order fulfillment")
    assert root.type is ElementType.PROCESS
    assert root.flow_scope_id is None
    assert root.start_event_id == "start"
    assert root.child_ids == (
        "start",
        "reserve",
        "notify",
        "price",
        "total",
        "await_ack",
        "check",
        "pack",
        "end",
    )
    assert root.line == 3


def test_every_element_belongs_to_the_process_scope(order: Process) -> None:
    assert {e.flow_scope_id for e in order.elements.values() if e.type is not ElementType.PROCESS} == {
        "order-fulfillment"
    }


def test_lanes_annotations_data_objects_and_properties_are_ignored(order: Process) -> None:
    assert "Lane_ops" not in order.elements
    assert "TextAnnotation_1" not in order.elements
    assert "DataObjectReference_1" not in order.elements
    assert set(order.flows) == {
        "Flow_start_reserve",
        "Flow_reserve_send",
        "Flow_send_rule",
        "Flow_rule_script",
        "Flow_script_receive",
        "Flow_receive_task",
        "Flow_task_manual",
        "Flow_manual_end",
    }


def test_start_event_has_output_mappings(order: Process) -> None:
    start = order.element("start")

    assert start.type is ElementType.START_EVENT
    assert start.event is EventKind.NONE
    assert start.name == "Order placed"
    assert start.outputs[0].target == "orderId"
    assert start.outputs[0].source.source == "order.id"
    assert start.incoming == ()
    assert start.outgoing == ("Flow_start_reserve",)


def test_service_task_has_job_definition_headers_and_mappings(order: Process) -> None:
    task = order.element("reserve")

    assert task.type is ElementType.SERVICE_TASK
    assert task.is_job_worker_task
    assert task.name == "Reserve resource"
    assert task.task_definition is not None
    assert task.task_definition.type == Expression("order.fulfillment.reserve-resource")
    assert task.task_definition.retries == Expression("5")
    assert task.task_headers == (("system", "inventory"), ("timeout", "PT30S"))
    assert [(m.target, m.source.source, m.source.is_static) for m in task.inputs] == [
        ("id", "orderId", False),
        ("mode", "static text", True),
    ]
    assert [(m.target, m.source.source) for m in task.outputs] == [("reserved", "result.reserved")]
    assert (task.incoming, task.outgoing) == (("Flow_start_reserve",), ("Flow_reserve_send",))
    assert task.line == 25  # the line of <bpmn:serviceTask id="reserve"> in the fixture


def test_send_task_job_type_and_retries_can_be_feel(order: Process) -> None:
    task = order.element("notify")

    assert task.type is ElementType.SEND_TASK
    assert task.task_definition is not None
    assert task.task_definition.type.source == '"notify." + channel'
    assert task.task_definition.type.feel is not None
    assert task.task_definition.retries.source == "maxRetries"
    assert not task.task_definition.retries.is_static


def test_business_rule_task_with_job_worker_gets_default_retries(order: Process) -> None:
    task = order.element("price")

    assert task.type is ElementType.BUSINESS_RULE_TASK
    assert task.task_definition is not None
    assert task.task_definition.type == Expression("pricing")
    assert task.task_definition.retries == Expression("3")


def test_script_task_has_feel_expression_and_result_variable(order: Process) -> None:
    task = order.element("total")

    assert task.type is ElementType.SCRIPT_TASK
    assert not task.is_job_worker_task
    assert task.script is not None
    assert task.script.expression.source == "sum(items.price)"
    assert task.script.expression.feel is not None
    assert task.script.result_variable == "total"


def test_receive_task_has_message_name_and_correlation_key(order: Process) -> None:
    task = order.element("await_ack")

    assert task.type is ElementType.RECEIVE_TASK
    assert task.message is not None
    assert task.message.name == Expression("order-acknowledged")
    assert task.message.correlation_key is not None
    assert task.message.correlation_key.source == "orderId"
    assert task.outputs == (VariableMapping(source=task.outputs[0].source, target="acknowledgedBy"),)


def test_task_and_manual_task_pass_through(order: Process) -> None:
    assert order.element("check").type is ElementType.TASK
    assert order.element("pack").type is ElementType.MANUAL_TASK
    assert order.element("pack").task_definition is None


def test_end_event_is_a_none_end_event(order: Process) -> None:
    end = order.element("end")

    assert (end.type, end.event) == (ElementType.END_EVENT, EventKind.NONE)
    assert end.incoming == ("Flow_manual_end",)
    assert end.outgoing == ()


def test_mapping_without_source_sets_null() -> None:
    # given
    xml = (
        process("p")
        .start_event()
        .service_task("t", job_type="work", inputs={"local": "=x"})
        .end_event()
        .done()
        .replace(b'source="=x" ', b"")
    )

    # when
    [parsed] = parse_bpmn(xml)

    # then
    [mapping] = parsed.element("t").inputs
    assert mapping.target == "local"
    assert mapping.source.source == "null"
    assert mapping.source.feel is not None


def test_several_executable_processes_are_all_returned() -> None:
    # given
    xml = definitions(
        '<bpmn:process id="first" isExecutable="true"><bpmn:startEvent id="s1" /></bpmn:process>'
        '<bpmn:process id="draft" isExecutable="false"><bpmn:userTask id="u" /></bpmn:process>'
        '<bpmn:process id="second" isExecutable="true"><bpmn:startEvent id="s2" /></bpmn:process>'
    )

    # when
    processes = parse_bpmn(xml)

    # then
    assert [(p.id, p.root.start_event_id) for p in processes] == [("first", "s1"), ("second", "s2")]


def test_sub_process_is_a_scope_with_its_own_start_event_and_children() -> None:
    # given
    xml = process_xml(
        start_to("sub") + '<bpmn:subProcess id="sub"><bpmn:extensionElements><zeebe:ioMapping>'
        '<zeebe:input source="=a" target="b" /></zeebe:ioMapping></bpmn:extensionElements>'
        '<bpmn:startEvent id="inner_start" />' + service_task("inner_task") + '<bpmn:endEvent id="inner_end" />'
        '<bpmn:sequenceFlow id="f1" sourceRef="inner_start" targetRef="inner_task" />'
        '<bpmn:sequenceFlow id="f2" sourceRef="inner_task" targetRef="inner_end" /></bpmn:subProcess>'
        '<bpmn:endEvent id="end" /><bpmn:sequenceFlow id="f3" sourceRef="sub" targetRef="end" />'
    )
    # when
    (parsed,) = parse_bpmn(xml)
    # then
    sub = parsed.element("sub")
    assert sub.type is ElementType.SUB_PROCESS
    assert sub.start_event_id == "inner_start"
    assert sub.child_ids == ("inner_start", "inner_task", "inner_end")
    assert [m.target for m in sub.inputs] == ["b"]
    assert parsed.element("inner_task").flow_scope_id == "sub"
    assert parsed.root.child_ids == ("start", "sub", "end")
    assert parsed.root.start_event_id == "start"


def test_multi_instance_activity_becomes_a_body_around_the_unwired_activity() -> None:
    # given
    xml = (
        process("p")
        .start_event()
        .service_task("each", job_type="work")
        .multi_instance(
            "= items",
            input_element="item",
            output_collection="results",
            output_element="= result",
            sequential=True,
            completion_condition="= done",
        )
        .end_event()
        .boundary_timer("late", attached_to="each", duration="PT1M")
        .end_event("late_end")
        .done()
    )
    # when
    (parsed,) = parse_bpmn(xml)
    # then
    body = parsed.element("each")
    assert body.type is ElementType.MULTI_INSTANCE_BODY
    assert body.boundary_event_ids == ("late",)
    assert body.multi_instance is not None and body.multi_instance.sequential
    assert body.multi_instance.input_element == "item"
    assert body.multi_instance.output_collection == "results"
    assert body.inner is not None and body.inner.type is ElementType.SERVICE_TASK
    assert body.inner.flow_scope_id == "each" and body.inner.outgoing == () and body.inner.boundary_event_ids == ()
