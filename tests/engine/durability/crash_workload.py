"""A workload that the crash-safety test runs in a subprocess and kills with SIGKILL at random.

Usage: python crash_workload.py DATABASE_URL ROUND

It deploys (alternating two versions of the process), creates instances, activates and completes
jobs and publishes messages in a loop, forever; it prints ``ready`` once it has started working.
"""

from __future__ import annotations

import sys

from oms.engine.api import Engine
from oms.engine.testing.builder import process

PROCESS_ID = "crash-order"
RESERVE = "crash.reserve"
SHIP = "crash.ship"
PAID = "crash.paid"


def order_process(variant: int) -> bytes:
    """start → fork → (reserve job ‖ wait for payment) → join → ship job (1 h timer) → end."""
    return (
        process(PROCESS_ID, name=f"crash order v{variant}")
        .start_event("start")
        .parallel_gateway("fork")
        .service_task("reserve", job_type=RESERVE)
        .parallel_gateway("join")
        .service_task("ship", job_type=SHIP, outputs={"shipped": "=true"})
        .end_event("end")
        .boundary_timer("ship_overdue", attached_to="ship", duration="PT1H")
        .end_event("overdue")
        .branch_from("fork")
        .receive_task("await_payment", name=PAID, correlation_key="=orderId")
        .connect_to("join")
        .done()
    )


def main() -> None:
    url, round_no = sys.argv[1], int(sys.argv[2])
    engine = Engine.connect(url, install_schema=False, pool_size=2)
    engine.deploy((f"{PROCESS_ID}.bpmn", order_process(round_no % 2)))
    print("ready", flush=True)
    iteration = 0
    while True:
        iteration += 1
        if iteration % 4 == 0:
            engine.deploy((f"{PROCESS_ID}.bpmn", order_process(iteration % 3)))
        engine.create_instance(PROCESS_ID, variables={"orderId": f"r{round_no}-{iteration}"})
        for job in engine.activate_jobs(RESERVE, worker=f"crash-{round_no}", timeout_ms=60_000, max_jobs=4):
            engine.complete_job(job.key, {"reserved": True})
            engine.publish_message(
                PAID, str(job.variables["orderId"]), time_to_live_ms=60_000, variables={"paid": True}
            )
        for job in engine.activate_jobs(SHIP, worker=f"crash-{round_no}", timeout_ms=60_000, max_jobs=4):
            engine.complete_job(job.key, {"trackingId": f"t-{job.key}"})
        engine.run_due_work()


if __name__ == "__main__":
    main()
