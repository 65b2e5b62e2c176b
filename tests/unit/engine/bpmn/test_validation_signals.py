"""Rules for signal events: a signal event definition refers to a named ``bpmn:signal``; a process's
signal start event has a static name; signal start events only start a process or an event
sub-process. Each problem names the element."""

from __future__ import annotations

from bpmn_test_support import process_xml, start_to, the_problem

from oms.engine.bpmn.model import EventKind
from oms.engine.bpmn.parser import parse_bpmn
from oms.engine.testing.builder import process


def _catch(definition: str) -> bytes:
    return process_xml(
        start_to("c") + f'<bpmn:intermediateCatchEvent id="c">{definition}</bpmn:intermediateCatchEvent>'
    )


def test_signal_events_of_every_kind_are_parsed_with_their_name() -> None:
    # given
    xml = (
        process("p")
        .signal_start_event("started", name="go")
        .service_task("work", job_type="w")
        .intermediate_catch_signal("wait", name="= signalName")
        .intermediate_throw_signal("throw", name="thrown")
        .signal_end_event("end", name="ended")
        .boundary_signal("boundary", attached_to="work", name="abort", interrupting=False)
        .end_event("aborted")
        .done()
    )
    # when
    (parsed,) = parse_bpmn(xml)
    # then
    names = {e.id: e.signal.name.source for e in parsed.elements.values() if e.event is EventKind.SIGNAL and e.signal}
    assert names == {"started": "go", "wait": "signalName", "throw": "thrown", "end": "ended", "boundary": "abort"}
    assert not parsed.element("boundary").interrupting
    wait = parsed.element("wait").signal
    assert wait is not None and not wait.name.is_static


def test_signal_event_without_signal_ref_is_rejected() -> None:
    the_problem(_catch("<bpmn:signalEventDefinition />"), "c", "signalRef is missing")


def test_signal_ref_to_an_unknown_signal_is_rejected() -> None:
    the_problem(_catch('<bpmn:signalEventDefinition signalRef="nope" />'), "c", "signalRef 'nope' does not point")


def test_signal_without_name_is_rejected() -> None:
    xml = process_xml(
        start_to("c")
        + '<bpmn:intermediateCatchEvent id="c"><bpmn:signalEventDefinition signalRef="s" />'
        + "</bpmn:intermediateCatchEvent>",
        root_elements='<bpmn:signal id="s" />',
    )

    the_problem(xml, "c", "signal 's' has no name")


def test_signal_start_event_of_a_process_with_a_feel_name_is_rejected() -> None:
    xml = process("p").signal_start_event("started", name="= name").end_event().done()

    the_problem(xml, "started", "signal start event: the signal name must be static")


def test_signal_start_event_inside_a_sub_process_is_unsupported() -> None:
    xml = (
        process("p")
        .start_event()
        .sub_process("sub")
        .start_event("inner")
        .end_event("inner_end")
        .signal_start_event("inner_signal", name="go")
        .end_event("inner_end_2")
        .end_sub_process()
        .end_event()
        .done()
    )

    the_problem(xml, "inner_signal", "unsupported element startEvent with signal in a sub-process")
