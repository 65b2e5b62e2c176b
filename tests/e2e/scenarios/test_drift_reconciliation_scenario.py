"""(h) A process completes while the domain state drifts: the close-order job is completed by hand in
the engine (bypassing the worker), so order-fulfillment ends while the order is still in progress.
The scheduler's reconciliation finds it and repairs it through the domain's close step."""

from __future__ import annotations

from collections.abc import Callable

from scenario_support import Scenario, wait_until

from oms.application.workflow import ORDER_FULFILLMENT_WORKFLOW
from oms.workflow.job_types import ALL_JOB_TYPES
from oms.workflow.job_types import ORDER_FULFILLMENT_CLOSE_ORDER as CLOSE


def test_a_process_that_completed_while_its_order_stayed_in_progress_is_found_and_repaired(
    start_system: Callable[..., Scenario],
) -> None:
    # given: an order whose fulfillment waits at close-order (no worker serves it)
    e2e = start_system(job_types=[job_type for job_type in ALL_JOB_TYPES if job_type != CLOSE])
    order = e2e.place_order()
    wait_until(lambda: [j for j in e2e.jobs(CLOSE) if j["state"] == "ACTIVATABLE"], what="the close-order job")

    # when: someone completes the job by hand through the engine's API, without the worker's command
    client = e2e.system.client
    [job] = client.activate_jobs(CLOSE, worker="by-hand", max_jobs=1, timeout_ms=60_000)
    client.complete_job(job.key, {})

    # then: the process has ended, and the order is still in progress: drift
    key = e2e.fulfillment_key(order["id"])
    e2e.wait_for_instance_state(ORDER_FULFILLMENT_WORKFLOW, key, "COMPLETED")
    assert e2e.order(order["id"])["state"] == "inProgress"

    # when: the scheduler's reconciliation pass runs
    assert e2e.system.scheduler is not None
    report = e2e.system.scheduler.run_once()

    # then: the drift is found and repaired by closing the order (its plan is closable)
    assert "processEndedOrderInProgress" in report.kinds()
    assert [finding.kind for finding in report.repaired] == ["processEndedOrderInProgress"]
    assert e2e.order(order["id"])["state"] == "completed"
    assert "processEndedOrderInProgress" not in e2e.system.scheduler.run_once().kinds()
