"""``oms bench engine --client rest``: the same five-task benchmark, through the official SDK over HTTP.

Method: ``oms engine serve`` runs in a subprocess on the benchmark database (its own engine, its
background services, uvicorn on a loopback port). This process plays client: one worker thread per
job type long-polls ``POST /v2/jobs/activation`` through :class:`CamundaWorkflowClient` (the SDK's
low-level calls, not its one-second-sleeping worker) and completes each job; the main thread creates
the N instances. Activation latency is read afterwards from the engine tables: the job's creation
time to the moment the client held the job.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime

import httpx
import psycopg

from oms.bench.engine_bench import PROCESS_ID, TASKS, EngineBenchResult, bench_process
from oms.workflow.camunda_sdk import CamundaWorkflowClient


def run_rest_bench(url: str, instances: int, *, workers_per_type: int = 1, rate: float = 0.0) -> EngineBenchResult:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "oms", "engine", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env={**os.environ, "OMS_DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(address, server)
        return _drive(address, url, instances, workers_per_type, rate)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _drive(address: str, url: str, instances: int, workers_per_type: int, rate: float) -> EngineBenchResult:
    configuration = {"CAMUNDA_REST_ADDRESS": address, "CAMUNDA_AUTH_STRATEGY": "NONE"}
    client = CamundaWorkflowClient(configuration)
    client.deploy(("bench.bpmn", bench_process()))
    received: dict[int, datetime] = {}
    lock = threading.Lock()
    done = threading.Semaphore(0)
    stop = threading.Event()

    def work(job_type: str, last: bool) -> None:
        worker_client = CamundaWorkflowClient(configuration)
        try:
            while not stop.is_set():
                jobs = worker_client.activate_jobs(
                    job_type, worker="bench", max_jobs=32, timeout_ms=60_000, request_timeout_ms=1_000
                )
                now = datetime.now(UTC)
                with lock:
                    received.update((job.key, now) for job in jobs)
                for job in jobs:
                    worker_client.complete_job(job.key)
                    if last:
                        done.release()
        finally:
            worker_client.close()

    threads = [
        threading.Thread(target=work, args=(f"bench.task{i}", i == TASKS), daemon=True)
        for i in range(1, TASKS + 1)
        for _ in range(workers_per_type)
    ]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    next_start = started
    for _ in range(instances):
        if rate:
            next_start += 1 / rate
            pause = next_start - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
        client.create_instance(PROCESS_ID)
    for _ in range(instances):
        if not done.acquire(timeout=300):
            raise RuntimeError("benchmark stalled: an instance did not complete within 300 s")
    seconds = time.perf_counter() - started
    stop.set()
    for thread in threads:
        thread.join(timeout=5)
    client.close()
    latencies = sorted(_latencies_ms(url, received))
    return EngineBenchResult(
        instances=instances,
        seconds=round(seconds, 3),
        instances_per_s=round(instances / seconds, 1),
        jobs_per_s=round(instances * TASKS / seconds, 1),
        activation_p50_ms=round(statistics.median(latencies), 2),
        activation_p99_ms=round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 2),
        history_instances=0,
        processes=1,
        workers_per_type=workers_per_type,
        rate=rate,
    )


def _latencies_ms(url: str, received: dict[int, datetime]) -> list[float]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT key, created_at FROM engine.job WHERE key = ANY(%s)", (list(received),)).fetchall()
    return [(received[int(key)] - created).total_seconds() * 1000 for key, created in rows]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_serving(address: str, server: subprocess.Popen[bytes], timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"oms engine serve exited with {server.returncode} before serving")
        try:
            if httpx.get(f"{address}/v2/topology", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)  # a benchmark's start-up poll, not a test
    raise RuntimeError(f"oms engine serve did not answer on {address} within {timeout_s} s")
