"""Job handlers, one module per process (``workers/<process>.py``), each a thin adapter: build the
request context from the job, run one application command, return variables or raise.

``default_handlers`` is the registry ``oms worker`` serves. The handlers need the unit-of-work
factory of the OMS database; without one (the engine alone) nothing is registered, and tests and
embedders may pass their own handlers to the runtime.
"""

from __future__ import annotations

from oms.application.external_systems import ExternalSystems
from oms.application.unit_of_work import UnitOfWorkFactory
from oms.workflow.runtime import Handler


def default_handlers(
    uow_factory: UnitOfWorkFactory | None = None, systems: ExternalSystems | None = None
) -> dict[str, Handler]:
    """Handlers by stable job type (see :mod:`oms.workflow.job_types`). The jobs that call external
    systems (the fulfillment stages, compensation) are served only when ``systems`` is given
    (``oms.workflow.workers.external_systems``): without adapters they wait for a worker that has them."""
    if uow_factory is None:
        return {}
    from oms.workflow.workers.amendment import amendment_handlers
    from oms.workflow.workers.approval import approval_handlers
    from oms.workflow.workers.cancellation import cancellation_handlers
    from oms.workflow.workers.compensation import compensation_handlers
    from oms.workflow.workers.context import WorkerDependencies
    from oms.workflow.workers.fallout import fallout_handlers
    from oms.workflow.workers.fulfillment import fulfillment_handlers, needs_systems

    deps = WorkerDependencies(uow_factory, systems)
    external = fulfillment_handlers(deps) | compensation_handlers(deps)
    if systems is None:
        external = {job_type: handler for job_type, handler in external.items() if not needs_systems(job_type)}
    return {
        **approval_handlers(deps),
        **cancellation_handlers(deps),
        **amendment_handlers(deps),
        **external,
        **fallout_handlers(deps),
    }
