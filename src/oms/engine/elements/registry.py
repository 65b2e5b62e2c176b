"""The flat table from element type to behaviour (one line per supported element type)."""

from __future__ import annotations

from oms.engine.bpmn.model import ElementType
from oms.engine.elements.boundary_event import BoundaryEventBehavior
from oms.engine.elements.call_activity import CallActivityBehavior
from oms.engine.elements.end_event import EndEventBehavior
from oms.engine.elements.event_based_gateway import EventBasedGatewayBehavior
from oms.engine.elements.event_sub_process import EventSubProcessBehavior
from oms.engine.elements.exclusive_gateway import ExclusiveGatewayBehavior
from oms.engine.elements.inclusive_gateway import InclusiveGatewayBehavior
from oms.engine.elements.job_worker_task import JobWorkerTaskBehavior
from oms.engine.elements.multi_instance_body import MultiInstanceBodyBehavior
from oms.engine.elements.parallel_gateway import ParallelGatewayBehavior
from oms.engine.elements.pass_through import PassThroughBehavior
from oms.engine.elements.process import ProcessBehavior
from oms.engine.elements.receive_task import CatchEventBehavior
from oms.engine.elements.script_task import ScriptTaskBehavior
from oms.engine.elements.sub_process import SubProcessBehavior
from oms.engine.processing.lifecycle import Lifecycle


def build_lifecycle() -> Lifecycle:
    lifecycle = Lifecycle()
    jobs = JobWorkerTaskBehavior(lifecycle)
    pass_through = PassThroughBehavior(lifecycle)
    catch = CatchEventBehavior(lifecycle)
    lifecycle.behaviors = {
        ElementType.PROCESS: ProcessBehavior(lifecycle),
        ElementType.START_EVENT: pass_through,
        ElementType.END_EVENT: EndEventBehavior(lifecycle),
        ElementType.SERVICE_TASK: jobs,
        ElementType.SEND_TASK: jobs,
        ElementType.BUSINESS_RULE_TASK: jobs,
        ElementType.SCRIPT_TASK: ScriptTaskBehavior(lifecycle),
        ElementType.RECEIVE_TASK: catch,
        ElementType.INTERMEDIATE_CATCH_EVENT: catch,
        ElementType.INTERMEDIATE_THROW_EVENT: pass_through,
        ElementType.TASK: pass_through,
        ElementType.MANUAL_TASK: pass_through,
        ElementType.EXCLUSIVE_GATEWAY: ExclusiveGatewayBehavior(lifecycle),
        ElementType.PARALLEL_GATEWAY: ParallelGatewayBehavior(lifecycle),
        ElementType.INCLUSIVE_GATEWAY: InclusiveGatewayBehavior(lifecycle),
        ElementType.EVENT_BASED_GATEWAY: EventBasedGatewayBehavior(lifecycle),
        ElementType.BOUNDARY_EVENT: BoundaryEventBehavior(lifecycle),
        ElementType.SUB_PROCESS: SubProcessBehavior(lifecycle),
        ElementType.CALL_ACTIVITY: CallActivityBehavior(lifecycle),
        ElementType.EVENT_SUB_PROCESS: EventSubProcessBehavior(lifecycle),
        ElementType.MULTI_INSTANCE_BODY: MultiInstanceBodyBehavior(lifecycle),
    }
    return lifecycle
