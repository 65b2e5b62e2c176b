"""(c) The provisioning system is briefly unavailable (503, a transient failure): the job fails with
retries left and a back-off, runs again after it (on the engine's clock), with the same idempotency
key, and the order completes. No incident, no fallout."""

from __future__ import annotations

from collections.abc import Callable

from scenario_support import Scenario

from oms.workflow.job_types import ORDER_FULFILLMENT_PROVISION_SERVICE as PROVISION


def test_a_transient_provisioning_failure_is_retried_by_the_job_until_it_succeeds(
    start_system: Callable[..., Scenario],
) -> None:
    # given: provisioning answers the first two attempts of every request with 503
    e2e = start_system(simulators={"provisioning": {"failFirstAttempts": 2}})

    # when
    order = e2e.place_order()

    # then: the job fails twice, each time with a back-off the engine's clock is moved past
    e2e.pass_backoff(PROVISION, retries_left=2)
    e2e.pass_backoff(PROVISION, retries_left=1)

    # and: the third attempt is accepted; the order completes
    assert e2e.wait_for_order(order["id"], "completed")["state"] == "completed"
    calls = e2e.simulator_calls("provisioning")
    assert [call["status"] for call in calls] == [503, 503, 202]
    assert len({call["idempotencyKey"] for call in calls}) == 1
    [job] = e2e.jobs(PROVISION)
    assert (job["state"], job["retries"]) == ("COMPLETED", 1)
    assert e2e.fallout_cases(order["id"]) == []
    instance = e2e.wait_for_instance("order-fulfillment", e2e.fulfillment_key(order["id"]))
    assert e2e.incidents(instance.key) == []
