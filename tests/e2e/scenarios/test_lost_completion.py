"""(b) A worker's command commits (the resource is reserved and the task completed on the plan), but
the job's completion never reaches the engine. The job times out on the engine's clock and runs
again: the second run finds the task done, calls nobody, and moves the order on. One reservation."""

from __future__ import annotations

from collections.abc import Callable

from scenario_support import Faults, Scenario, wait_until

from oms.workflow.job_types import ORDER_FULFILLMENT_RESERVE_RESOURCE as RESERVE


def test_a_job_whose_completion_is_lost_after_the_commit_runs_again_without_repeating_the_effect(
    start_system: Callable[..., Scenario],
) -> None:
    # given: the completion of the first reserve-resource job will be lost on its way to the engine
    faults = Faults()
    faults.lose_completions[RESERVE] = 1
    e2e = start_system(wrap_client=faults.wrap)

    # when
    order = e2e.place_order()
    wait_until(lambda: faults.lost_completions.get(RESERVE) == 1, what="the lost completion")

    # then: the handler's transaction committed, and the engine still holds the job as activated
    reserve = [t for t in e2e.plan(order["id"])["task"] if t["taskType"] == "reserve-resource"]
    assert [t["state"] for t in reserve] == ["completed"]
    [job] = e2e.jobs(RESERVE)
    assert job["state"] == "ACTIVATED"

    # when: the job's deadline passes on the engine's clock
    e2e.system.increase_time(e2e.system.config.worker_job_timeout)

    # then: the job ran again and completed; the order is fulfilled; the inventory saw one reservation
    assert e2e.wait_for_order(order["id"], "completed")["state"] == "completed"
    assert [(j["key"], j["state"]) for j in e2e.jobs(RESERVE)] == [(job["key"], "COMPLETED")]
    assert [call["status"] for call in e2e.simulator_calls("inventory") if not call["replayed"]] == [201]
    assert len(e2e.simulators("GET", "/admin/records/inventory").json()) == 1
