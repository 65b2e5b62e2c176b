"""``oms bench e2e``: orders fulfilled per second, end to end, on the whole system in one process.

Method: a fresh database; :class:`~oms.system.System` with the API, the workflow relay, every job
worker and the simulators (each provisioning request answered by one asynchronous callback); the
workers and relays on the in-process client or (``--client camunda``) the official SDK against the
engine's REST server. A load process of its own (so its HTTP client does not share the system's
interpreter) POSTs fiber orders (reserve, provision with its callback, bill, close) to the API,
either as fast as ``--concurrency`` connections allow (**throughput**) or at a fixed ``--rate``
(**latency**). Warm-up orders run first and are not counted.

Figures, read from the database afterwards:

- orders/s: measured orders / (last ``completion_date`` - first ``order_date``);
- order latency: ``completion_date - order_date`` per order (API transaction to the close-order
  job's transaction), p50 and p99;
- job activation latency: from each job's ``CREATED`` record to its ``ACTIVATED`` record in the
  engine's record log (the engine's clock), p50 and p99, over every job of the measured orders.
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

import httpx
import psycopg

from oms.engine.postgres import create_database, drop_database
from oms.system import ClientKind, System, SystemConfig

TENANT = "bench"
ORDERS_PATH = "/tmf-api/productOrderingManagement/v4/productOrder"
ORDER_BODY = {
    "@type": "ProductOrder",
    "relatedParty": [{"id": "customer-1", "role": "customer", "@referredType": "Individual"}],
    "productOrderItem": [
        {
            "id": "1",
            "action": "add",
            "productOffering": {"id": "po-fiber-broadband"},
            "product": {"productCharacteristic": [{"name": "downloadSpeed", "value": 1000}]},
        }
    ],
}


@dataclass(frozen=True)
class E2EBenchResult:
    orders: int
    client: str
    rate: float
    concurrency: int
    seconds: float
    orders_per_s: float
    order_latency_p50_ms: float
    order_latency_p99_ms: float
    jobs: int
    jobs_per_s: float
    activation_p50_ms: float
    activation_p99_ms: float
    post_p50_ms: float
    post_p99_ms: float
    failed_orders: int
    load_avg_1m: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_e2e_bench(
    server_url: str,
    orders: int,
    *,
    client: ClientKind = ClientKind.EMBEDDED,
    concurrency: int = 8,
    rate: float = 0.0,
    warmup: int = 20,
    worker_concurrency: int = 8,
    timeout_s: float = 600.0,
    keep_database: bool = False,
) -> E2EBenchResult:
    url = create_database(server_url, prefix="oms_bench_e2e")
    try:
        config = SystemConfig(
            database_url=url,
            client=client,
            seed_tenants=(TENANT,),
            worker_max_concurrent=worker_concurrency,
            api_pool_size=10,
            engine_pool_size=10,
            simulators={"seed": 1},
            relay_poll_interval=timedelta(seconds=1),
        )
        with System(config) as system:
            assert system.api_url is not None
            token = system.tokens(TENANT)["agent"]
            if warmup:
                warm = _load(system.api_url, token, warmup, concurrency, 0.0)
                _wait_completed(url, [order_id for order_id, _ in warm], timeout_s)
            posted = _load(system.api_url, token, orders, concurrency, rate)
            ids = [order_id for order_id, _ in posted]
            _wait_completed(url, ids, timeout_s)
            return _result(url, ids, [ms for _, ms in posted], client, concurrency, rate)
    finally:
        if not keep_database:
            drop_database(url)


# ---------------------------------------------------------------------------------------- the load


def _load(api_url: str, token: str, orders: int, concurrency: int, rate: float) -> list[tuple[str, float]]:
    """POST ``orders`` orders from a process of its own; (order id, POST milliseconds) each."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        result: list[tuple[str, float]] = pool.apply(_post_orders, (api_url, token, orders, concurrency, rate))
    return result


def _post_orders(api_url: str, token: str, orders: int, concurrency: int, rate: float) -> list[tuple[str, float]]:
    results: list[tuple[str, float]] = []
    lock = threading.Lock()
    next_index = iter(range(orders))
    started = time.perf_counter()

    def post(client: httpx.Client) -> None:
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                return
            if rate > 0:  # open loop: order i leaves at i / rate, whatever the answers' latency
                delay = started + index / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            sent = time.perf_counter()
            response = client.post(
                ORDERS_PATH,
                json=ORDER_BODY,
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
            )
            elapsed_ms = (time.perf_counter() - sent) * 1000
            if response.status_code != 201:
                raise RuntimeError(f"POST productOrder answered {response.status_code}: {response.text[:300]}")
            with lock:
                results.append((response.json()["id"], elapsed_ms))

    with httpx.Client(base_url=api_url, timeout=60) as client:
        threads = [threading.Thread(target=post, args=(client,)) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if len(results) != orders:
        raise RuntimeError(f"only {len(results)} of {orders} orders were placed")
    return results


# ---------------------------------------------------------------------------------------- figures


def _wait_completed(url: str, ids: list[str], timeout_s: float) -> None:
    """A benchmark, not a test: poll the order table at a coarse interval until every order ended."""
    deadline = time.monotonic() + timeout_s
    with psycopg.connect(url, autocommit=True) as conn:
        while True:
            row = conn.execute(
                "SELECT count(*) FROM product_order WHERE id = ANY(%s) AND state IN ('completed', 'failed', 'partial')",
                (ids,),
            ).fetchone()
            if row is not None and row[0] == len(ids):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{len(ids) - (row[0] if row else 0)} orders did not end within {timeout_s} s")
            time.sleep(0.05)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))], 2) if ordered else 0.0


def _result(
    url: str, ids: list[str], post_ms: list[float], client: ClientKind, concurrency: int, rate: float
) -> E2EBenchResult:
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT state, order_date, completion_date FROM product_order WHERE id = ANY(%s)", (ids,)
        ).fetchall()
        instance_keys = [
            int(row[0])
            for row in conn.execute(
                "SELECT process_instance_key FROM workflow_instance_ref WHERE aggregate_id = ANY(%s)", (ids,)
            ).fetchall()
        ]
        activations = [
            float(row[0])
            for row in conn.execute(
                """
                SELECT extract(epoch FROM a.timestamp - c.timestamp) * 1000
                FROM engine.record c JOIN engine.record a ON a.key = c.key AND a.value_type = 'JOB'
                    AND a.intent = 'ACTIVATED'
                WHERE c.value_type = 'JOB' AND c.intent = 'CREATED' AND c.process_instance_key = ANY(%s)
                """,
                (instance_keys,),
            ).fetchall()
        ]
    completed = [(row[1], row[2]) for row in rows if row[0] == "completed" and row[2] is not None]
    latencies = [(done - placed).total_seconds() * 1000 for placed, done in completed]
    seconds = (max(done for _, done in completed) - min(placed for placed, _ in completed)).total_seconds()
    jobs = len(activations)
    return E2EBenchResult(
        orders=len(ids),
        client=str(client),
        rate=rate,
        concurrency=concurrency,
        seconds=round(seconds, 3),
        orders_per_s=round(len(completed) / seconds, 1),
        order_latency_p50_ms=round(statistics.median(latencies), 1),
        order_latency_p99_ms=_percentile(latencies, 0.99),
        jobs=jobs,
        jobs_per_s=round(jobs / seconds, 1),
        activation_p50_ms=_percentile(activations, 0.5),
        activation_p99_ms=_percentile(activations, 0.99),
        post_p50_ms=_percentile(post_ms, 0.5),
        post_p99_ms=_percentile(post_ms, 0.99),
        failed_orders=len(ids) - len(completed),
        load_avg_1m=round(os.getloadavg()[0], 2),
    )
