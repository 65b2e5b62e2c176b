"""The test BPMN builder: what it writes parses back to the model it describes."""

from __future__ import annotations

import pytest
from lxml import etree

from oms.engine.bpmn.model import ElementType, EventKind, Expression, Process, TimerKind
from oms.engine.bpmn.parser import parse_bpmn
from oms.engine.testing.builder import BPMN_NS, ZEEBE_NS, process


def round_trip(xml: bytes) -> Process:
    [parsed] = parse_bpmn(xml, "built.bpmn")
    return parsed


def test_linear_flow_with_service_task() -> None:
    # given
    xml = (
        process("order", name="Order")
        .start_event("start")
        .service_task(
            "reserve",
            job_type="reserve",
            retries=5,
            headers={"k": "v"},
            inputs={"x": "=a"},
            outputs={"r": "=result"},
            name="Reserve",
        )
        .end_event("end")
        .done()
    )

    # when
    parsed = round_trip(xml)

    # then
    assert (parsed.id, parsed.name, parsed.root.start_event_id) == ("order", "Order", "start")
    task = parsed.element("reserve")
    assert task.name == "Reserve"
    assert task.task_definition is not None
    assert (task.task_definition.type, task.task_definition.retries) == (
        Expression("reserve"),
        Expression("5"),
    )
    assert task.task_headers == (("k", "v"),)
    assert [(m.target, m.source.source) for m in task.inputs] == [("x", "a")]
    assert [(m.target, m.source.source) for m in task.outputs] == [("r", "result")]
    assert parsed.flow("flow_start_reserve").target_id == "reserve"
    assert task.outgoing == ("flow_reserve_end",)


def test_send_business_rule_script_receive_and_pass_through_tasks() -> None:
    xml = (
        process("p")
        .start_event()
        .send_task("send", job_type="mail")
        .business_rule_task("rule", job_type="rules")
        .script_task("calc", expression="= 1 + 1", result_variable="two", outputs={"copy": "=two"})
        .receive_task("ack", name="ack", correlation_key="=orderId", outputs={"who": "=sender"})
        .task("noop")
        .manual_task("hands")
        .end_event()
        .done()
    )

    parsed = round_trip(xml)

    types = [parsed.element(i).type for i in ("send", "rule", "calc", "ack", "noop", "hands")]
    assert types == [
        ElementType.SEND_TASK,
        ElementType.BUSINESS_RULE_TASK,
        ElementType.SCRIPT_TASK,
        ElementType.RECEIVE_TASK,
        ElementType.TASK,
        ElementType.MANUAL_TASK,
    ]
    script = parsed.element("calc").script
    assert script is not None
    assert (script.expression.source, script.result_variable) == ("1 + 1", "two")
    message = parsed.element("ack").message
    assert message is not None
    assert message.name == Expression("ack")
    assert message.correlation_key is not None
    assert message.correlation_key.source == "orderId"


def test_exclusive_gateway_branches_with_conditions_and_default() -> None:
    xml = (
        process("p")
        .start_event()
        .exclusive_gateway("xor", default="f_else")
        .condition("= x > 1")
        .service_task("big", job_type="big")
        .exclusive_gateway("merge")
        .end_event()
        .branch_from("xor")
        .sequence_flow_id("f_else")
        .service_task("small", job_type="small")
        .connect_to("merge")
        .done()
    )

    parsed = round_trip(xml)

    assert parsed.element("xor").outgoing == ("flow_xor_big", "f_else")
    condition = parsed.flow("flow_xor_big").condition
    assert condition is not None
    assert condition.source == "x > 1"
    assert parsed.element("merge").incoming == ("flow_big_merge", "flow_small_merge")


def test_parallel_gateway_fork_and_join() -> None:
    xml = (
        process("p")
        .start_event()
        .parallel_gateway("fork")
        .service_task("a", job_type="a")
        .parallel_gateway("join")
        .end_event()
        .branch_from("fork")
        .service_task("b", job_type="b")
        .connect_to("join")
        .done()
    )

    parsed = round_trip(xml)

    assert parsed.element("fork").outgoing == ("flow_fork_a", "flow_fork_b")
    assert parsed.element("join").incoming == ("flow_a_join", "flow_b_join")


def test_event_based_gateway_with_message_and_timer() -> None:
    xml = (
        process("p")
        .start_event()
        .event_based_gateway("wait")
        .intermediate_catch_message("paid", name="paid", correlation_key="=orderId")
        .end_event("done")
        .branch_from("wait")
        .intermediate_catch_timer("timeout", duration="PT1M")
        .terminate_end_event("timed_out")
        .done()
    )

    parsed = round_trip(xml)

    assert parsed.element("paid").event is EventKind.MESSAGE
    timer = parsed.element("timeout").timer
    assert timer is not None
    assert (timer.kind, timer.expression) == (TimerKind.DURATION, Expression("PT1M"))
    assert parsed.element("timed_out").event is EventKind.TERMINATE


def test_boundary_events_each_start_their_own_path() -> None:
    xml = (
        process("p")
        .start_event()
        .service_task("task", job_type="w")
        .end_event("end")
        .boundary_error("failed", attached_to="task", code="E1")
        .error_end_event("rethrow", code="E2")
        .boundary_error("any", attached_to="task")
        .end_event("any_end")
        .boundary_timer("slow", attached_to="task", cycle="R3/PT10M", interrupting=False)
        .end_event("slow_end")
        .boundary_message("cancel", attached_to="task", name="cancel", correlation_key="=id")
        .end_event("cancelled")
        .done()
    )

    parsed = round_trip(xml)

    assert parsed.element("task").boundary_event_ids == ("failed", "any", "slow", "cancel")
    assert parsed.element("task").outgoing == ("flow_task_end",)
    failed = parsed.element("failed")
    assert failed.error is not None
    assert failed.error.code == Expression("E1")
    assert failed.outgoing == ("flow_failed_rethrow",)
    rethrow = parsed.element("rethrow").error
    assert rethrow is not None
    assert rethrow.code == Expression("E2")
    any_error = parsed.element("any").error
    assert any_error is not None
    assert any_error.code is None
    assert not parsed.element("slow").interrupting
    assert parsed.element("cancel").event is EventKind.MESSAGE


def test_messages_and_errors_are_declared_once_at_the_top() -> None:
    xml = (
        process("p")
        .start_event()
        .receive_task("r1", name="ping", correlation_key="=id")
        .receive_task("r2", name="ping", correlation_key="=id")
        .error_end_event("e", code="E")
        .done()
    )

    root = etree.fromstring(xml)

    children = [etree.QName(child).localname for child in root]
    assert children == ["message", "error", "process"]
    assert root[0].find(f"{{{BPMN_NS}}}extensionElements/{{{ZEEBE_NS}}}subscription") is not None


def test_elements_list_their_flows_after_extension_elements() -> None:
    xml = process("p").start_event().service_task("t", job_type="w").end_event().done()

    task = etree.fromstring(xml).find(f".//{{{BPMN_NS}}}serviceTask")

    assert task is not None
    assert [etree.QName(child).localname for child in task] == ["extensionElements", "incoming", "outgoing"]


def test_intermediate_throw_event_and_start_outputs() -> None:
    xml = process("p").start_event(outputs={"a": "=1"}).intermediate_throw_event("mark").end_event().done()

    parsed = round_trip(xml)

    assert parsed.element("start").outputs[0].target == "a"
    assert parsed.element("mark").type is ElementType.INTERMEDIATE_THROW_EVENT


def test_branch_from_unknown_element_is_a_builder_error() -> None:
    with pytest.raises(ValueError, match="no element 'ghost'"):
        process("p").start_event().branch_from("ghost")


def test_duplicate_element_id_is_a_builder_error() -> None:
    with pytest.raises(ValueError, match="duplicate element id 'a'"):
        process("p").start_event("a").task("a")


def test_timer_needs_exactly_one_value() -> None:
    with pytest.raises(ValueError, match="exactly one of"):
        process("p").start_event().intermediate_catch_timer("t", duration="PT1M", date="2030-01-01T00:00:00Z")


def test_dangling_condition_is_a_builder_error() -> None:
    with pytest.raises(ValueError, match="must be followed by an element"):
        process("p").start_event().condition("= x").done()


def test_done_can_be_called_twice() -> None:
    builder = process("p").start_event().end_event()

    assert builder.done() == builder.done()
