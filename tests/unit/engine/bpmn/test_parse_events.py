"""Parsing events and their definitions from Modeler-like XML (fixtures/events.bpmn)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from oms.engine.bpmn.errors import BpmnValidationError
from oms.engine.bpmn.model import ElementType, EventKind, Expression, Process, TimerKind
from oms.engine.bpmn.parser import parse_bpmn
from oms.engine.testing.builder import process


@pytest.fixture
def provisioning(fixture_xml: Callable[[str], bytes]) -> Process:
    [parsed] = parse_bpmn(fixture_xml("events.bpmn"), "events.bpmn")
    return parsed


def test_collaboration_and_non_executable_processes_are_skipped(provisioning: Process) -> None:
    assert provisioning.id == "provisioning"
    assert "Participant_shop" not in provisioning.elements


def test_activity_lists_its_boundary_events_in_document_order(provisioning: Process) -> None:
    task = provisioning.element("provision")

    assert task.boundary_event_ids == ("provision_failed", "any_error", "reminder", "cancelled")
    assert [b.id for b in provisioning.boundary_events(task)] == list(task.boundary_event_ids)


def test_error_boundary_event_catches_its_error_code(provisioning: Process) -> None:
    event = provisioning.element("provision_failed")

    assert (event.type, event.event) == (ElementType.BOUNDARY_EVENT, EventKind.ERROR)
    assert event.attached_to_id == "provision"
    assert event.interrupting
    assert event.error is not None
    assert event.error.code == Expression("PROVISION_FAILED")
    assert [(m.target, m.source.source) for m in event.outputs] == [("reason", "error.message")]
    assert (event.incoming, event.outgoing) == ((), ("Flow_failed_end",))


def test_error_boundary_event_without_error_ref_catches_every_error(provisioning: Process) -> None:
    event = provisioning.element("any_error")

    assert event.error is not None
    assert event.error.code is None


def test_non_interrupting_timer_boundary_event_with_cycle(provisioning: Process) -> None:
    event = provisioning.element("reminder")

    assert event.event is EventKind.TIMER
    assert not event.interrupting
    assert event.timer is not None
    assert event.timer.kind is TimerKind.CYCLE
    assert event.timer.expression == Expression("R/PT1H")


def test_message_boundary_event_with_feel_message_name(provisioning: Process) -> None:
    event = provisioning.element("cancelled")

    assert event.event is EventKind.MESSAGE
    assert event.interrupting
    assert event.message is not None
    assert event.message.name.source == '"cancel-" + orderType'
    assert event.message.name.feel is not None
    assert event.message.correlation_key is not None
    assert event.message.correlation_key.source == "orderId"


def test_error_end_event_throws_a_feel_error_code(provisioning: Process) -> None:
    event = provisioning.element("failed_end")

    assert (event.type, event.event) == (ElementType.END_EVENT, EventKind.ERROR)
    assert event.error is not None
    assert event.error.code is not None
    assert event.error.code.source == '"FALLOUT_" + reason'
    assert not event.error.code.is_static


def test_terminate_end_event(provisioning: Process) -> None:
    assert provisioning.element("any_end").event is EventKind.TERMINATE


def test_none_intermediate_throw_event_with_outputs(provisioning: Process) -> None:
    event = provisioning.element("provisioned")

    assert (event.type, event.event) == (ElementType.INTERMEDIATE_THROW_EVENT, EventKind.NONE)
    assert [m.target for m in event.outputs] == ["provisioned"]


def test_timer_catch_event_with_date(provisioning: Process) -> None:
    event = provisioning.element("settle")

    assert (event.type, event.event) == (ElementType.INTERMEDIATE_CATCH_EVENT, EventKind.TIMER)
    assert event.timer is not None
    assert event.timer.kind is TimerKind.DATE
    assert event.timer.expression == Expression("2030-01-01T09:00:00+01:00")


def test_message_and_timer_start_events_are_parsed_beside_the_none_start_event() -> None:
    # given
    xml = (
        process("p")
        .start_event("none")
        .end_event("a")
        .message_start_event("by_message", name="go")
        .end_event("b")
        .timer_start_event("by_timer", cycle="R/PT1H")
        .end_event("c")
        .done()
    )
    # when
    (parsed,) = parse_bpmn(xml)
    # then
    assert parsed.root.start_event_id == "none"
    assert parsed.element("by_message").event is EventKind.MESSAGE
    assert parsed.element("by_message").message is not None
    assert parsed.element("by_timer").event is EventKind.TIMER


def test_message_start_event_inside_a_sub_process_is_unsupported() -> None:
    # given
    xml = (
        process("p")
        .start_event()
        .sub_process("sub")
        .start_event("inner")
        .end_event("inner_end")
        .message_start_event("inner_message", name="go")
        .end_event("inner_end_2")
        .end_sub_process()
        .end_event()
        .done()
    )
    # when
    with pytest.raises(BpmnValidationError) as raised:
        parse_bpmn(xml)
    # then
    assert [p.element_id for p in raised.value.problems] == ["inner_message"]
    assert "unsupported element startEvent with message in a sub-process" in raised.value.problems[0].message


def test_timer_start_event_with_a_feel_timer_is_rejected() -> None:
    # given
    xml = process("p").timer_start_event("t", date="= now()").end_event().done()
    # when
    with pytest.raises(BpmnValidationError) as raised:
        parse_bpmn(xml)
    # then
    assert any("timer start event: the timer must be static" in p.message for p in raised.value.problems)
