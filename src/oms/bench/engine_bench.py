"""``oms bench engine``: a five-service-task process run N times with in-process workers.

Method: a fresh database; a linear process of five service tasks. Each benchmark process (one by
default; ``--processes`` runs several engine processes on the same database, as a deployment
would to use more than one core) hosts one long-polling worker thread per job type
(``activate_jobs`` with a request timeout, woken by NOTIFY, batches of up to 32) that completes
each job at once, and creates its share of the N instances: as fast as it can (throughput), or at
a fixed ``--rate`` (latency: workers are then waiting when jobs arrive, the case the long poll is
for). The clock stops when every instance has completed. Activation latency is the time from a
job's creation (the engine clock of the command that created it) to the moment a worker holds it,
so it includes any queueing behind busy workers.
"""

from __future__ import annotations

import multiprocessing
import statistics
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from oms.engine.api import Engine
from oms.engine.testing.builder import process

TASKS = 5
PROCESS_ID = "bench-five-tasks"
MI_ITEMS = 20
MI_PROCESS_ID = "bench-mi-twenty"


@dataclass(frozen=True)
class BenchShape:
    """What one benchmark instance is: its process, the job types its workers serve, jobs per instance."""

    process_id: str
    bpmn: bytes
    job_types: tuple[str, ...]
    jobs_per_instance: int
    variables: dict[str, Any]


@dataclass(frozen=True)
class EngineBenchResult:
    instances: int
    seconds: float
    instances_per_s: float
    jobs_per_s: float
    activation_p50_ms: float
    activation_p99_ms: float
    history_instances: int
    processes: int
    workers_per_type: int
    rate: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def bench_process() -> bytes:
    builder = process(PROCESS_ID).start_event("start")
    for i in range(1, TASKS + 1):
        builder = builder.service_task(f"task{i}", job_type=f"bench.task{i}")
    return builder.end_event("end").done()


def five_tasks() -> BenchShape:
    return BenchShape(PROCESS_ID, bench_process(), tuple(f"bench.task{i}" for i in range(1, TASKS + 1)), TASKS, {})


def parallel_multi_instance() -> BenchShape:
    """One service task as a parallel multi-instance over 20 items, collecting their results."""
    bpmn = (
        process(MI_PROCESS_ID)
        .start_event("start")
        .service_task("each", job_type="bench.mi.item")
        .multi_instance("=items", input_element="item", output_collection="results", output_element="=done")
        .end_event("end")
        .done()
    )
    return BenchShape(MI_PROCESS_ID, bpmn, ("bench.mi.item",), MI_ITEMS, {"items": list(range(MI_ITEMS))})


SHAPES = {"five-tasks": five_tasks, "mi20": parallel_multi_instance}


def run_engine_bench(
    url: str,
    instances: int,
    *,
    processes: int = 1,
    workers_per_type: int = 1,
    rate: float = 0.0,
    shape: BenchShape | None = None,
) -> EngineBenchResult:
    """Run the benchmark; ``rate`` > 0 paces instance creation (instances/s over all processes)."""
    shape = shape or five_tasks()
    with Engine.connect(url) as engine:
        engine.deploy(("bench.bpmn", shape.bpmn))
        history = _completed(engine, shape.process_id)
        context = multiprocessing.get_context("spawn")
        ready = context.Barrier(processes + 1)
        results = context.Queue()
        shares = [instances // processes + (1 if i < instances % processes else 0) for i in range(processes)]
        children = [
            context.Process(
                target=_bench_worker,
                args=(url, share, workers_per_type, rate, processes, shape, ready, results),
                daemon=True,
            )
            for share in shares
        ]
        for child in children:
            child.start()
        ready.wait(timeout=120)
        started = time.perf_counter()
        for _ in children:  # each child says when it has created its share
            if results.get(timeout=600) != "created":
                raise RuntimeError("a benchmark process failed while creating instances")
        # A benchmark, not a test: poll the outcome at a coarse interval while the children work.
        # Counting ACTIVE instances uses a partial index, so history does not slow the poll down.
        while _remaining(engine, shape.process_id) > 0:
            if not any(child.is_alive() for child in children):
                raise RuntimeError("every benchmark process exited before all instances completed")
            time.sleep(0.01)
        seconds = time.perf_counter() - started
        if _completed(engine, shape.process_id) != history + instances:
            raise RuntimeError("not every benchmark instance completed")
        latencies: list[float] = []
        for _ in children:
            latencies.extend(results.get(timeout=60))
        for child in children:
            child.join(timeout=30)
    ordered = sorted(latencies)
    return EngineBenchResult(
        instances=instances,
        seconds=round(seconds, 3),
        instances_per_s=round(instances / seconds, 1),
        jobs_per_s=round(instances * shape.jobs_per_instance / seconds, 1),
        activation_p50_ms=round(statistics.median(ordered), 2),
        activation_p99_ms=round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
        history_instances=history,
        processes=processes,
        workers_per_type=workers_per_type,
        rate=rate,
    )


def _bench_worker(
    url: str,
    share: int,
    workers_per_type: int,
    rate: float,
    processes_count: int,
    shape: BenchShape,
    ready: Any,
    results: Any,
) -> None:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = threading.Event()
    with Engine.connect(url, pool_size=len(shape.job_types) * workers_per_type + 2, install_schema=False) as engine:

        def work(job_type: str) -> None:
            while not stop.is_set():
                jobs = engine.activate_jobs(
                    job_type, worker="bench", max_jobs=32, timeout_ms=60_000, request_timeout_ms=200
                )
                received = datetime.now(UTC)
                with lock:
                    latencies.extend((received - job.created_at).total_seconds() * 1000 for job in jobs)
                for job in jobs:
                    engine.complete_job(job.key)

        threads = [
            threading.Thread(target=work, args=(job_type,), daemon=True)
            for job_type in shape.job_types
            for _ in range(workers_per_type)
        ]
        for thread in threads:
            thread.start()
        engine.activate_jobs("bench.warm-up", request_timeout_ms=1)  # starts the LISTEN connection
        ready.wait(timeout=120)
        interval = processes_count / rate if rate else 0.0
        next_start = time.perf_counter()
        for _ in range(share):
            if interval:  # paced run: start instances at a fixed rate, so workers wait for jobs
                next_start += interval
                pause = next_start - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
            engine.create_instance(shape.process_id, variables=shape.variables)
        results.put("created")
        # Keep serving jobs (also those of other processes' instances) until everything is done.
        while _remaining(engine, shape.process_id) > 0:
            time.sleep(0.05)
        stop.set()
        for thread in threads:
            thread.join(timeout=5)
    results.put(latencies)


def seed_history(url: str, copies: int) -> None:
    """Put ``copies`` completed instances into the tables quickly: run one instance through the
    engine, then clone every row it left (instance, element instances, jobs, variables, records)
    with fresh keys in set-based SQL. Same shape as real history, minutes faster to make."""
    with Engine.connect(url) as engine:
        engine.deploy(("bench.bpmn", bench_process()))
        created = engine.create_instance(PROCESS_ID, variables={"orderId": "history"})
        for i in range(1, TASKS + 1):
            for job in engine.activate_jobs(f"bench.task{i}", max_jobs=1):
                engine.complete_job(job.key, {f"result{i}": "done"})
        key = created.process_instance_key
        with engine.pool.connection() as conn, conn.transaction():
            # Offsets far above any key the sequence will hand out during the benchmark.
            params = {"key": key, "copies": copies, "base": 9_000_000_000_000_000}
            conn.execute(_CLONE_SQL, params)
        # A live system has planner statistics for its tables; a bulk load leaves none until
        # autovacuum comes by, so gather them now rather than measure plans made blind.
        with engine.pool.connection() as conn:
            conn.execute("ANALYZE")


_CLONE_SQL = """
WITH n AS (SELECT g, %(base)s::bigint + g::bigint * 100 AS off FROM generate_series(1, %(copies)s) g),
pi AS (
    INSERT INTO engine.process_instance
    SELECT p.key + n.off, p.process_definition_key, p.bpmn_process_id, p.version, p.state, p.tenant_id,
           p.start_date, p.end_date, p.parent_process_instance_key, p.parent_element_instance_key
    FROM engine.process_instance p, n WHERE p.key = %(key)s
), ei AS (
    INSERT INTO engine.element_instance
    SELECT e.key + n.off, e.process_instance_key + n.off, e.process_definition_key,
           e.bpmn_process_id, e.element_id, e.element_type,
           CASE WHEN e.flow_scope_key IS NULL THEN NULL ELSE e.flow_scope_key + n.off END,
           e.state, e.start_date, e.end_date, e.joins, e.tenant_id
    FROM engine.element_instance e, n WHERE e.process_instance_key = %(key)s
), jb AS (
    INSERT INTO engine.job (key, type, state, retries, worker, deadline, retry_at, error_message, error_code,
        custom_headers, process_instance_key, element_instance_key, element_id, bpmn_process_id,
        process_definition_key, version, scope_keys, tenant_id, created_at, ended_at)
    SELECT j.key + n.off, j.type, j.state, j.retries, j.worker, j.deadline, j.retry_at, j.error_message,
           j.error_code, j.custom_headers, j.process_instance_key + n.off, j.element_instance_key + n.off,
           j.element_id, j.bpmn_process_id, j.process_definition_key, j.version,
           ARRAY(SELECT s + n.off FROM unnest(j.scope_keys) s), j.tenant_id, j.created_at, j.ended_at
    FROM engine.job j, n WHERE j.process_instance_key = %(key)s
), vr AS (
    INSERT INTO engine.variable
    SELECT v.key + n.off, v.process_instance_key + n.off, v.scope_key + n.off, v.name, v.value, v.tenant_id
    FROM engine.variable v, n WHERE v.process_instance_key = %(key)s
)
INSERT INTO engine.record (key, value_type, intent, process_instance_key, element_id, timestamp, value)
SELECT r.key + n.off, r.value_type, r.intent, r.process_instance_key + n.off, r.element_id, r.timestamp, r.value
FROM engine.record r, n WHERE r.process_instance_key = %(key)s
"""


def _completed(engine: Engine, process_id: str = PROCESS_ID) -> int:
    with engine.pool.connection() as conn:
        row = conn.execute(
            "SELECT count(*) FROM engine.process_instance WHERE bpmn_process_id = %s AND state = 'COMPLETED'",
            (process_id,),
        ).fetchone()
    return int(row[0]) if row else 0


def _remaining(engine: Engine, process_id: str = PROCESS_ID) -> int:
    with engine.pool.connection() as conn:
        row = conn.execute(
            "SELECT count(*) FROM engine.process_instance WHERE bpmn_process_id = %s AND state = 'ACTIVE'",
            (process_id,),
        ).fetchone()
    return int(row[0]) if row else 0
