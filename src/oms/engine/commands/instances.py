"""Create and cancel process instances; set variables on a scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from oms.engine.errors import InvalidArgumentError, InvalidStateError, NotFoundError
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.state import ProcessInstanceRow, Variables
from oms.engine.records import Intent, ValueType
from oms.engine.runtime import Runtime
from oms.engine.state.definitions import ProcessDefinition


@dataclass(frozen=True)
class CreatedInstance:
    process_instance_key: int
    process_definition_key: int
    bpmn_process_id: str
    version: int
    tenant_id: str


def check_variables(variables: Any) -> dict[str, Any]:
    if variables is None:
        return {}
    if not isinstance(variables, dict) or not all(isinstance(k, str) and k for k in variables):
        raise InvalidArgumentError("Expected variables to be a JSON object with non-empty string names")
    return variables


def create_instance(
    runtime: Runtime,
    *,
    bpmn_process_id: str | None = None,
    version: int | None = None,
    process_definition_key: int | None = None,
    variables: dict[str, Any] | None = None,
    tenant_id: str = "<default>",
) -> CreatedInstance:
    values = check_variables(variables)
    with runtime.transaction() as conn:
        definition = _find_definition(runtime, conn, bpmn_process_id, version, process_definition_key, tenant_id)
        if definition.process.root.start_event_id is None:
            raise InvalidArgumentError(
                f"Expected to create an instance of process '{definition.bpmn_process_id}', but it has no none"
                " start event (it starts by a message or a timer)"
            )
        return start_instance(runtime, conn, definition, values)


def start_instance(
    runtime: Runtime,
    conn: Any,
    definition: ProcessDefinition,
    values: dict[str, Any],
    *,
    start_event_id: str | None = None,
    start_correlation_key: str | None = None,
) -> CreatedInstance:
    """Create an instance in ``conn``'s transaction, at ``start_event_id`` (default: the none start
    event) and run it until it waits."""
    now = runtime.clock.now()
    key = runtime.keys.next_key()
    row = ProcessInstanceRow(
        key=key,
        definition=definition,
        state="ACTIVE",
        tenant_id=definition.tenant_id,
        start_date=now,
        is_new=True,
    )
    ctx = ProcessingContext(conn, now, runtime.keys.next_key, row, {}, Variables())
    ctx.start_event_id = start_event_id
    ctx.definitions = runtime.definitions
    ctx.record(
        ValueType.PROCESS_INSTANCE_CREATION,
        Intent.CREATED,
        key,
        definition.bpmn_process_id,
        {
            "processDefinitionKey": definition.key,
            "version": definition.version,
        },
    )
    root = runtime.lifecycle.activate_element(ctx, definition.process.root, None, key=key)
    for name, value in values.items():
        ctx.set_variable(root.key, name, value)
    runtime.run_and_flush(ctx)
    if start_correlation_key is not None:
        conn.execute(
            "UPDATE engine.process_instance SET start_correlation_key = %s WHERE key = %s",
            (start_correlation_key, key),
        )
    return CreatedInstance(key, definition.key, definition.bpmn_process_id, definition.version, definition.tenant_id)


def _find_definition(
    runtime: Runtime,
    conn: Any,
    bpmn_process_id: str | None,
    version: int | None,
    process_definition_key: int | None,
    tenant_id: str,
) -> ProcessDefinition:
    if process_definition_key is not None:
        return runtime.definitions.get(conn, process_definition_key)
    if not bpmn_process_id:
        raise InvalidArgumentError("Expected either a process definition key or a BPMN process id, but got neither")
    if version is None or version < 0:
        return runtime.definitions.latest(conn, bpmn_process_id, tenant_id)
    return runtime.definitions.by_version(conn, bpmn_process_id, version, tenant_id)


def cancel_instance(runtime: Runtime, process_instance_key: int) -> None:
    with runtime.transaction() as conn:

        def cancel(ctx: ProcessingContext) -> None:
            if ctx.instance.state != "ACTIVE":
                raise NotFoundError(
                    f"Expected to cancel a process instance with key '{process_instance_key}', but no such"
                    " process was found (it is not active)"
                )
            if ctx.instance.parent_process_instance_key is not None:
                raise InvalidStateError(
                    f"Expected to cancel a process instance with key '{process_instance_key}', but it is created"
                    " by a parent process instance. Cancel the root process instance instead."
                )
            runtime.lifecycle.terminate_element(ctx, ctx.element_instance(process_instance_key))

        runtime.on_instance(conn, process_instance_key, cancel)


def set_variables(runtime: Runtime, scope_key: int, variables: dict[str, Any], *, local: bool = False) -> None:
    values = check_variables(variables)
    with runtime.transaction() as conn:
        row = conn.execute(
            "SELECT process_instance_key FROM engine.element_instance WHERE key = %s AND state NOT IN"
            " ('COMPLETED', 'TERMINATED')",
            (scope_key,),
        ).fetchone()
        if row is None:
            raise NotFoundError(
                f"Expected to update variables for element with key '{scope_key}', but no such element was found"
            )

        def update(ctx: ProcessingContext) -> None:
            if scope_key not in ctx.elements:
                raise NotFoundError(f"Expected to find an active element instance with key '{scope_key}'")
            if local:
                for name, value in values.items():
                    ctx.set_variable(scope_key, name, value)
            else:
                ctx.propagate_variables(scope_key, values)

        runtime.on_instance(conn, int(row[0]), update)
