"""Parsing gateways and sequence flows from Modeler-like XML (fixtures/gateways.bpmn)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from oms.engine.bpmn.errors import BpmnValidationError
from oms.engine.bpmn.model import ElementType, EventKind, Expression, Process, TimerKind
from oms.engine.bpmn.parser import parse_bpmn
from oms.engine.testing.builder import process


@pytest.fixture
def routing(fixture_xml: Callable[[str], bytes]) -> Process:
    [parsed] = parse_bpmn(fixture_xml("gateways.bpmn"), "gateways.bpmn")
    return parsed


def test_exclusive_gateway_has_default_and_conditional_flows(routing: Process) -> None:
    gateway = routing.element("xor")

    assert gateway.type is ElementType.EXCLUSIVE_GATEWAY
    assert gateway.name == "Amount?"
    assert gateway.default_flow_id == "Flow_small"
    assert gateway.outgoing == ("Flow_big", "Flow_small")
    [big, small] = routing.outgoing_flows(gateway)
    assert big.condition is not None
    assert big.condition.source == "amount > 100"
    assert big.condition.feel is not None
    assert small.condition is None


def test_sequence_flow_has_source_target_and_line(routing: Process) -> None:
    flow = routing.flow("Flow_fork_a")

    assert (flow.source_id, flow.target_id) == ("fork", "a")
    assert flow.line == 69  # the line of <bpmn:sequenceFlow id="Flow_fork_a"> in the fixture


def test_parallel_gateways_fork_and_join(routing: Process) -> None:
    fork, join = routing.element("fork"), routing.element("join")

    assert fork.type is join.type is ElementType.PARALLEL_GATEWAY
    assert fork.outgoing == ("Flow_fork_a", "Flow_fork_b")
    assert join.incoming == ("Flow_a_join", "Flow_b_join")


def test_exclusive_gateway_may_merge(routing: Process) -> None:
    merge = routing.element("merge")

    # flows are listed in the document order of the sequence flows, not of bpmn:incoming
    assert merge.incoming == ("Flow_small", "Flow_join_merge")
    assert merge.outgoing == ("Flow_merge_wait",)


def test_event_based_gateway_leads_to_message_and_timer_catch_events(routing: Process) -> None:
    gateway = routing.element("wait")

    assert gateway.type is ElementType.EVENT_BASED_GATEWAY
    targets = [routing.element(f.target_id) for f in routing.outgoing_flows(gateway)]
    assert [(t.id, t.event) for t in targets] == [("paid", EventKind.MESSAGE), ("timeout", EventKind.TIMER)]


def test_message_catch_event(routing: Process) -> None:
    event = routing.element("paid")

    assert event.message is not None
    assert event.message.name == Expression("payment-received")


def test_timer_catch_event_with_duration(routing: Process) -> None:
    event = routing.element("timeout")

    assert event.timer is not None
    assert (event.timer.kind, event.timer.expression) == (TimerKind.DURATION, Expression("P1D"))


def test_joining_inclusive_gateway_knows_the_elements_that_can_reach_it() -> None:
    # given
    xml = (
        process("p")
        .start_event()
        .inclusive_gateway("fork")
        .condition("= a")
        .service_task("a", job_type="a")
        .inclusive_gateway("join")
        .end_event()
        .branch_from("fork")
        .condition("= b")
        .service_task("b", job_type="b")
        .connect_to("join")
        .boundary_timer("late", attached_to="a", duration="PT1M")
        .end_event("late_end")
        .done()
    )
    # when
    (parsed,) = parse_bpmn(xml)
    # then
    assert parsed.element("join").upstream_ids == frozenset({"start", "fork", "a", "b"})


def test_inclusive_gateway_flow_without_condition_is_rejected() -> None:
    # given
    xml = (
        process("p")
        .start_event()
        .inclusive_gateway("fork")
        .condition("= a")
        .end_event("x")
        .branch_from("fork")
        .sequence_flow_id("f_plain")
        .end_event("y")
        .done()
    )
    # when
    with pytest.raises(BpmnValidationError) as raised:
        parse_bpmn(xml)
    # then
    assert any(
        "inclusive gateway: outgoing sequence flow 'f_plain' needs a condition" in p.message
        for p in raised.value.problems
    )
