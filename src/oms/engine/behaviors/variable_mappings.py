"""Input and output mappings, and how event/job variables enter a process instance (Zeebe rules).

- Inputs create local variables on the element instance.
- Outputs are evaluated in the element's scope and merged (propagated) from its flow scope.
- Variables that arrive with a job completion, message or script result are set locally when the
  element has output mappings (the outputs then decide what leaves), else propagated from the
  element instance: the nearest scope that has the variable gets it, else the root.
"""

from __future__ import annotations

from typing import Any

from oms.engine.behaviors.expressions import evaluate
from oms.engine.feel import to_json
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.failure import ErrorType, Failure
from oms.engine.processing.state import ElementInstance


def apply_inputs(ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
    mappings = instance.element.inputs
    if not mappings:
        return None
    for mapping in mappings:
        # Inputs see the flow scope plus the inputs evaluated before them (Zeebe evaluates in order).
        value = evaluate(ctx, mapping.source, instance.key, ErrorType.IO_MAPPING_ERROR)
        if isinstance(value, Failure):
            return value
        _assign(ctx, instance.key, mapping.target, to_json(value), local=True)
    return None


def apply_outputs(ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
    mappings = instance.element.outputs
    if not mappings:
        return None
    results: dict[str, Any] = {}
    for mapping in mappings:
        value = evaluate(ctx, mapping.source, instance.key, ErrorType.IO_MAPPING_ERROR)
        if isinstance(value, Failure):
            return value
        results[mapping.target] = to_json(value)
    scope_key = instance.flow_scope_key if instance.flow_scope_key is not None else instance.key
    for target, value in results.items():
        _assign(ctx, scope_key, target, value, local=False)
    return None


def merge_event_variables(ctx: ProcessingContext, instance: ElementInstance, variables: dict[str, Any]) -> None:
    if not variables:
        return
    if instance.element.outputs:
        for name, value in variables.items():
            ctx.set_variable(instance.key, name, value)
    else:
        ctx.propagate_variables(instance.key, variables)


def _assign(ctx: ProcessingContext, scope_key: int, target: str, value: Any, *, local: bool) -> None:
    """Assign to ``target``; a dotted target (``order.total``) updates a nested context."""
    head, _, rest = target.partition(".")
    if rest:
        # Like Zeebe, the path starts from the variable as the scope sees it (possibly an outer one).
        current = ctx.visible_variables(scope_key).get(head)
        container = dict(current) if isinstance(current, dict) else {}
        _put_path(container, rest.split("."), value)
        value = container
    if local:
        ctx.set_variable(scope_key, head, value)
    else:
        ctx.propagate_variables(scope_key, {head: value})


def _put_path(container: dict[str, Any], path: list[str], value: Any) -> None:
    for part in path[:-1]:
        nested = container.get(part)
        nested = dict(nested) if isinstance(nested, dict) else {}
        container[part] = nested
        container = nested
    container[path[-1]] = value
