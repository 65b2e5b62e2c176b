"""Helpers for the BPMN parser tests: wrap XML snippets, collect the problems of a resource."""

from __future__ import annotations

import pytest

from oms.engine.bpmn.errors import BpmnValidationError, Problem
from oms.engine.bpmn.parser import parse_bpmn

NAMESPACES = (
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
)


def definitions(body: str) -> bytes:
    """A definitions document around ``body`` (processes, messages, errors…)."""
    header = '<?xml version="1.0" encoding="UTF-8"?>'
    return f'{header}\n<bpmn:definitions {NAMESPACES} id="d">\n{body}\n</bpmn:definitions>\n'.encode()


def process_xml(body: str, *, root_elements: str = "", process_id: str = "p") -> bytes:
    """One executable process with ``body`` as its content; ``root_elements`` go before it."""
    return definitions(
        f'{root_elements}\n<bpmn:process id="{process_id}" isExecutable="true">\n{body}\n</bpmn:process>'
    )


#: A none start event flowing into ``{target}``: most snippets need a valid start.
def start_to(target: str) -> str:
    return f'<bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="{target}" />'


def service_task(task_id: str, job_type: str = "work") -> str:
    return (
        f'<bpmn:serviceTask id="{task_id}"><bpmn:extensionElements>'
        f'<zeebe:taskDefinition type="{job_type}" /></bpmn:extensionElements></bpmn:serviceTask>'
    )


def problems_of(xml: bytes) -> list[Problem]:
    with pytest.raises(BpmnValidationError) as raised:
        parse_bpmn(xml, "test.bpmn")
    return raised.value.problems


def the_problem(xml: bytes, element_id: str | None, *fragments: str) -> Problem:
    """The one problem of ``element_id`` whose message holds every fragment; fails helpfully if none."""
    problems = problems_of(xml)
    for problem in problems:
        if problem.element_id == element_id and all(f in problem.message for f in fragments):
            return problem
    listed = "\n".join(str(p) for p in problems)
    raise AssertionError(f"no problem of {element_id!r} mentions {fragments}; problems were:\n{listed}")
