"""The executable process graph: what the parser builds and the engine walks.

Frozen dataclasses only; no behaviour beyond small lookups. One ``Element`` type carries the
optional parts of every element kind (task definition, timer, message…): the processing code
dispatches on ``Element.type`` through the element registry, never on Python classes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oms.engine.feel import CompiledExpression


class ElementType(StrEnum):
    """Element types, spelled as the Camunda REST API spells them."""

    PROCESS = "PROCESS"
    SUB_PROCESS = "SUB_PROCESS"
    EVENT_SUB_PROCESS = "EVENT_SUB_PROCESS"
    START_EVENT = "START_EVENT"
    INTERMEDIATE_CATCH_EVENT = "INTERMEDIATE_CATCH_EVENT"
    INTERMEDIATE_THROW_EVENT = "INTERMEDIATE_THROW_EVENT"
    BOUNDARY_EVENT = "BOUNDARY_EVENT"
    END_EVENT = "END_EVENT"
    SERVICE_TASK = "SERVICE_TASK"
    SEND_TASK = "SEND_TASK"
    BUSINESS_RULE_TASK = "BUSINESS_RULE_TASK"
    SCRIPT_TASK = "SCRIPT_TASK"
    RECEIVE_TASK = "RECEIVE_TASK"
    USER_TASK = "USER_TASK"
    MANUAL_TASK = "MANUAL_TASK"
    TASK = "TASK"
    EXCLUSIVE_GATEWAY = "EXCLUSIVE_GATEWAY"
    PARALLEL_GATEWAY = "PARALLEL_GATEWAY"
    INCLUSIVE_GATEWAY = "INCLUSIVE_GATEWAY"
    EVENT_BASED_GATEWAY = "EVENT_BASED_GATEWAY"
    CALL_ACTIVITY = "CALL_ACTIVITY"
    MULTI_INSTANCE_BODY = "MULTI_INSTANCE_BODY"


class EventKind(StrEnum):
    """What an event waits for or throws (its event definition)."""

    NONE = "none"
    MESSAGE = "message"
    TIMER = "timer"
    ERROR = "error"
    ESCALATION = "escalation"
    SIGNAL = "signal"
    TERMINATE = "terminate"


class TimerKind(StrEnum):
    DURATION = "duration"
    DATE = "date"
    CYCLE = "cycle"


#: Element types whose behaviour is "create a job and wait for a worker".
JOB_TYPES: frozenset[ElementType] = frozenset(
    {ElementType.SERVICE_TASK, ElementType.SEND_TASK, ElementType.BUSINESS_RULE_TASK}
)


@dataclass(frozen=True)
class Expression:
    """A value written in the model: static text, or a FEEL expression when it began with ``=``."""

    source: str
    feel: CompiledExpression | None = None

    @property
    def is_static(self) -> bool:
        return self.feel is None


@dataclass(frozen=True)
class VariableMapping:
    """One ``zeebe:input`` / ``zeebe:output``: evaluate ``source``, assign to ``target``."""

    source: Expression
    target: str


@dataclass(frozen=True)
class TaskDefinition:
    type: Expression
    retries: Expression


@dataclass(frozen=True)
class Script:
    expression: Expression
    result_variable: str


@dataclass(frozen=True)
class TimerDefinition:
    kind: TimerKind
    expression: Expression


@dataclass(frozen=True)
class MessageDefinition:
    name: Expression
    correlation_key: Expression | None


@dataclass(frozen=True)
class ErrorDefinition:
    """An error reference; ``code`` is None for a catch-all error boundary/event."""

    code: Expression | None


@dataclass(frozen=True)
class EscalationDefinition:
    """An escalation reference; ``code`` is None for a catch-all escalation boundary/event."""

    code: Expression | None


@dataclass(frozen=True)
class SignalDefinition:
    """A ``bpmn:signal`` an event refers to: caught or thrown by name (no correlation key)."""

    name: Expression


@dataclass(frozen=True)
class CalledElement:
    """``zeebe:calledElement`` of a call activity."""

    process_id: Expression
    propagate_all_child_variables: bool = True


@dataclass(frozen=True)
class MultiInstance:
    """``bpmn:multiInstanceLoopCharacteristics`` with ``zeebe:loopCharacteristics``."""

    sequential: bool
    input_collection: Expression
    input_element: str | None = None
    output_collection: str | None = None
    output_element: Expression | None = None
    completion_condition: Expression | None = None


@dataclass(frozen=True)
class SequenceFlow:
    id: str
    source_id: str
    target_id: str
    condition: Expression | None = None
    line: int | None = None


@dataclass(frozen=True)
class Element:
    id: str
    type: ElementType
    name: str | None = None
    line: int | None = None
    #: Id of the element whose scope contains this one (the process, a sub-process…).
    flow_scope_id: str | None = None
    event: EventKind = EventKind.NONE
    incoming: tuple[str, ...] = ()
    outgoing: tuple[str, ...] = ()
    default_flow_id: str | None = None
    inputs: tuple[VariableMapping, ...] = ()
    outputs: tuple[VariableMapping, ...] = ()
    task_definition: TaskDefinition | None = None
    task_headers: tuple[tuple[str, str], ...] = ()
    script: Script | None = None
    message: MessageDefinition | None = None
    timer: TimerDefinition | None = None
    error: ErrorDefinition | None = None
    escalation: EscalationDefinition | None = None
    signal: SignalDefinition | None = None
    #: Boundary events attached to this activity, in document order.
    boundary_event_ids: tuple[str, ...] = ()
    #: For a boundary event: the activity it is attached to.
    attached_to_id: str | None = None
    #: Boundary events and event sub-process start events: interrupting or not.
    interrupting: bool = True
    #: Containers (process, sub-process): their none start event, and their children ids.
    start_event_id: str | None = None
    child_ids: tuple[str, ...] = ()
    #: Containers: their event sub-processes (whose start events they subscribe to while active).
    event_sub_process_ids: tuple[str, ...] = ()
    #: A joining inclusive gateway: the elements of its flow scope from which a path leads to it
    #: (through sequence flows and boundary events), precomputed at deploy for the join rule.
    upstream_ids: frozenset[str] = frozenset()
    #: Multi-instance: on the activity as parsed; on its body (``MULTI_INSTANCE_BODY``, which takes the
    #: activity's id, flows and boundary events), with ``inner`` the activity each instance runs.
    multi_instance: MultiInstance | None = None
    inner: Element | None = None
    called_element: CalledElement | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_job_worker_task(self) -> bool:
        return self.type in JOB_TYPES


@dataclass(frozen=True)
class Process:
    """One executable BPMN process: the root container plus every element and flow inside it."""

    id: str
    name: str | None
    elements: Mapping[str, Element]
    flows: Mapping[str, SequenceFlow]

    @property
    def root(self) -> Element:
        return self.elements[self.id]

    def element(self, element_id: str) -> Element:
        return self.elements[element_id]

    def flow(self, flow_id: str) -> SequenceFlow:
        return self.flows[flow_id]

    def outgoing_flows(self, element: Element) -> list[SequenceFlow]:
        return [self.flows[f] for f in element.outgoing]

    def boundary_events(self, element: Element) -> list[Element]:
        return [self.elements[b] for b in element.boundary_event_ids]

    def event_sub_process_starts(self, container: Element) -> list[Element]:
        """The start events of the event sub-processes directly inside ``container``."""
        starts = (self.elements[e].start_event_id for e in container.event_sub_process_ids)
        return [self.elements[s] for s in starts if s is not None]
