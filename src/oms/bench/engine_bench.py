"""``oms bench engine``: a five-service-task process run N times with in-process workers.

Method: deploy a linear process of five service tasks; one worker thread per job type long-polls
(``activate_jobs`` with a request timeout, woken by NOTIFY) and completes each job at once; a
starter thread creates the N instances. Activation latency is the time from a job's creation
(its commit timestamp by the engine clock) to the moment a waiting worker holds it.
"""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from oms.engine.api import Engine
from oms.engine.testing.builder import process

TASKS = 5


@dataclass(frozen=True)
class EngineBenchResult:
    instances: int
    seconds: float
    instances_per_s: float
    jobs_per_s: float
    activation_p50_ms: float
    activation_p99_ms: float
    history_instances: int
    workers_per_type: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def bench_process(process_id: str = "bench-five-tasks") -> bytes:
    builder = process(process_id).start_event("start")
    for i in range(1, TASKS + 1):
        builder = builder.service_task(f"task{i}", job_type=f"bench.task{i}")
    return builder.end_event("end").done()


def run_engine_bench(
    engine: Engine, instances: int, *, workers_per_type: int = 1, batch: int = 32
) -> EngineBenchResult:
    engine.deploy(("bench.bpmn", bench_process()))
    history = _completed_history(engine)
    latencies: list[float] = []
    latency_lock = threading.Lock()
    completed = threading.Semaphore(0)
    stop = threading.Event()

    def worker(job_type: str, last: bool) -> None:
        while not stop.is_set():
            jobs = engine.activate_jobs(
                job_type, worker="bench", max_jobs=batch, timeout_ms=60_000, request_timeout_ms=500
            )
            received = datetime.now(UTC)
            with latency_lock:
                latencies.extend((received - job.created_at).total_seconds() * 1000 for job in jobs)
            for job in jobs:
                engine.complete_job(job.key)
                if last:
                    completed.release()

    threads = [
        threading.Thread(target=worker, args=(f"bench.task{i}", i == TASKS), daemon=True)
        for i in range(1, TASKS + 1)
        for _ in range(workers_per_type)
    ]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    for _ in range(instances):
        engine.create_instance("bench-five-tasks")
    for _ in range(instances):
        if not completed.acquire(timeout=300):
            raise RuntimeError("benchmark stalled: an instance did not complete within 300 s")
    seconds = time.perf_counter() - started
    stop.set()
    for thread in threads:
        thread.join(timeout=5)
    ordered = sorted(latencies)
    return EngineBenchResult(
        instances=instances,
        seconds=round(seconds, 3),
        instances_per_s=round(instances / seconds, 1),
        jobs_per_s=round(instances * TASKS / seconds, 1),
        activation_p50_ms=round(statistics.median(ordered), 2),
        activation_p99_ms=round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
        history_instances=history,
        workers_per_type=workers_per_type,
    )


def _completed_history(engine: Engine) -> int:
    with engine.pool.connection() as conn:
        row = conn.execute("SELECT count(*) FROM engine.process_instance WHERE state = 'COMPLETED'").fetchone()
    return int(row[0]) if row else 0
