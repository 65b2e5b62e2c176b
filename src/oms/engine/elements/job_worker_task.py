"""Service, send and business-rule tasks: create a job and wait for a worker to complete it.

Activation evaluates everything that can fail (inputs, job type and retries, boundary event
subscriptions) before it writes the job, so a failure leaves nothing behind to undo.
"""

from __future__ import annotations

from oms.engine.behaviors.jobs import cancel_jobs_of, create_job, evaluate_job
from oms.engine.behaviors.subscriptions import close_subscriptions_of, subscribe
from oms.engine.behaviors.variable_mappings import apply_inputs, apply_outputs
from oms.engine.elements.base import ElementBehaviorBase
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.failure import Failure
from oms.engine.processing.state import ElementInstance


class JobWorkerTaskBehavior(ElementBehaviorBase):
    def activate(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        if failure := apply_inputs(ctx, instance):
            return failure
        job = evaluate_job(ctx, instance)
        if isinstance(job, Failure):
            return job
        if failure := subscribe(ctx, instance, ctx.process.boundary_events(instance.element)):
            return failure
        create_job(ctx, instance, *job)
        self.lifecycle.activated(ctx, instance)
        return None

    def complete(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        if failure := apply_outputs(ctx, instance):
            return failure
        close_subscriptions_of(ctx, instance)
        self.lifecycle.complete_and_take_outgoing(ctx, instance)
        return None

    def terminate(self, ctx: ProcessingContext, instance: ElementInstance) -> None:
        cancel_jobs_of(ctx, instance)
        close_subscriptions_of(ctx, instance)
