"""``oms bench order-api``: latency of ``POST /productOrder`` (TMF622) at a fixed rate.

Method, as ``oms bench cpq-api`` (whose process and load-tool helpers it uses): a fresh database on
the configured server (``OMS_DATABASE_URL``, else the embedded one), migrated and seeded with the
demo catalog for tenant ``bench``; the real deployable, ``oms api``, as its own process (uvicorn, one
worker) with a generated JWT key; ``autocannon`` at a fixed overall rate over a few connections,
after a warm-up that is not counted. Each request places a new two-item order priced at order time
(fiber at 1000 Mbit/s and TV): the catalog is read, the items configured and priced, the
consistency check run, and the order, its items, audit and outbox rows and the fulfillment workflow
start request written in one transaction. A 201 is the only success; anything else is counted in
``non_2xx``."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Any

import httpx

from oms import bootstrap
from oms.api.auth import Claims, issue_token
from oms.bench.cpq_api_bench import _api_process, _free_port, _load, _summary
from oms.domain.shared.actors import ActorKind
from oms.engine.postgres import create_database, drop_database
from oms.settings import load_settings

TENANT = "bench"
ORDERS_PATH = "/tmf-api/productOrderingManagement/v4/productOrder"
ORDER_BODY: dict[str, Any] = {
    "@type": "ProductOrder",
    "relatedParty": [{"id": "customer-bench", "role": "customer", "@referredType": "Individual"}],
    "productOrderItem": [
        {
            "id": "1",
            "action": "add",
            "productOffering": {"id": "po-fiber-broadband"},
            "product": {"productCharacteristic": [{"name": "downloadSpeed", "value": 1000}]},
        },
        {"id": "2", "action": "add", "productOffering": {"id": "po-tv"}},
    ],
}


def run_order_api_bench(
    server_url: str,
    *,
    rate: int = 100,
    seconds: int = 30,
    connections: int = 2,
    workers: int = 1,
    warmup_seconds: int = 5,
    correct_omission: bool = False,
) -> dict[str, Any]:
    settings = load_settings({})
    url = create_database(server_url, prefix="oms_bench_order_api")
    try:
        bootstrap.migrate(url)
        bootstrap.seed(settings, url, TENANT)
        secret = bootstrap.generate_jwt_secret()
        token = issue_token(
            secret,
            Claims(TENANT, "bench-agent", ActorKind.SALES_AGENT),
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            now=datetime.now(UTC),
        )
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        body = json.dumps(ORDER_BODY)
        with _api_process(url, secret, _free_port(), workers) as base:
            # One order first: proves the body is accepted (a rejected order would also be a 201).
            first = httpx.post(base + ORDERS_PATH, headers=headers, content=body, timeout=10)
            first.raise_for_status()
            if first.json()["state"] != "acknowledged":
                raise RuntimeError(f"the benchmark order was not acknowledged: {first.text}")

            def load(duration: int) -> dict[str, Any]:
                return _load(
                    base + ORDERS_PATH,
                    headers,
                    rate=rate,
                    seconds=duration,
                    connections=connections,
                    method="POST",
                    body=body,
                    correct_omission=correct_omission,
                )

            load(warmup_seconds)  # not counted: opens the pooled connections and fills the catalog cache
            measured = _summary(load(seconds))
    finally:
        drop_database(url)
    return {
        "tool": "autocannon 8 (--overallRate)",
        "rate_rps": rate,
        "seconds": seconds,
        "connections": connections,
        "api_workers": workers,
        "autocannon_omission_correction": correct_omission,
        "cpus": os.cpu_count(),
        # The load tool, PostgreSQL and the API share the machine; other work on it shows here.
        "load_average_1m_after": round(os.getloadavg()[0], 2),
        "createOrder": measured,
    }
