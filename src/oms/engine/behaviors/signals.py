"""Throwing a signal (intermediate throw event, end event): evaluate its name and hand it, with the
thrower's local variables (its input mappings), to the command's follow-ups. The broadcast itself
happens once the command is written, so every subscription the command opened hears it too."""

from __future__ import annotations

from oms.engine.behaviors.expressions import evaluate_string
from oms.engine.processing.context import ProcessingContext, ThrownSignal
from oms.engine.processing.failure import ErrorType, Failure
from oms.engine.processing.state import ElementInstance


def throw_signal(ctx: ProcessingContext, thrower: ElementInstance) -> Failure | None:
    signal = thrower.element.signal
    assert signal is not None, "validated at deploy"
    name = evaluate_string(ctx, signal.name, thrower.key, "signal name", ErrorType.EXTRACT_VALUE_ERROR)
    if isinstance(name, Failure):
        return name
    # A called instance run inside its parent's command is written by that command: the parent's
    # context broadcasts after it.
    outermost = ctx
    while outermost.parent_ctx is not None:
        outermost = outermost.parent_ctx
    variables = dict(ctx.variables.local(thrower.key))
    outermost.thrown_signals.append(ThrownSignal(name, variables, ctx.instance.tenant_id))
    return None
