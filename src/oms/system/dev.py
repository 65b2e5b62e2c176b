"""``oms dev``: the system on one machine, and what to try once it runs (URLs, tokens, a curl that
places an order, where to watch it go)."""

from __future__ import annotations

import signal
import threading
from datetime import timedelta

import psycopg
from rich.console import Console

from oms.system.config import ClientKind, SystemConfig
from oms.system.runner import System

DEV_TENANT = "demo"
ORDERS = "/tmf-api/productOrderingManagement/v4/productOrder"
OPERATIONS = "/oms-api/orderOperations/v1"

_ORDER = (
    '{"@type": "ProductOrder",\n'
    '    "relatedParty": [{"id": "customer-42", "role": "customer", "@referredType": "Individual"}],\n'
    '    "productOrderItem": [\n'
    '      {"id": "1", "action": "add", "productOffering": {"id": "po-fiber-broadband"},\n'
    '       "product": {"productCharacteristic": [{"name": "downloadSpeed", "value": 1000}]}},\n'
    '      {"id": "2", "action": "add", "productOffering": {"id": "po-tv"}}]}'
)


def dev_config(
    *,
    database_url: str | None,
    api_port: int,
    simulators_port: int,
    engine_port: int | None,
    client: ClientKind,
    jwt_secret: str | None,
) -> SystemConfig:
    base = SystemConfig()
    return SystemConfig(
        database_url=database_url,
        client=client,
        api_port=api_port,
        simulators_port=simulators_port,
        engine_port=engine_port,
        seed_tenants=(DEV_TENANT,),
        jwt_secret=jwt_secret or base.jwt_secret,
        # provisioning answers a moment later, as a real system would: the order visibly waits for it
        simulators={"seed": 42, "provisioning": {"callbackDelayMs": 500}},
        relay_poll_interval=timedelta(seconds=1),
        # Ctrl-C waits for the long polls under way: keep them short
        worker_poll_timeout=timedelta(seconds=2),
    )


def instructions(system: System, *, generated_secret: bool) -> list[str]:
    """What ``oms dev`` prints: every line can be pasted into a shell."""
    assert system.api_url is not None
    api = system.api_url
    tokens = system.tokens(DEV_TENANT)
    lines = [
        f"# OMS running on {_where(system.database_url)} (workers and relays: {system.config.client} client)",
        f"# API:         {api}  (OpenAPI: {api}/docs)",
    ]
    if system.simulators_url:
        lines.append(f"# simulators:  {system.simulators_url}  (calls: {system.simulators_url}/admin/calls)")
    if system.engine_rest_url:
        lines.append(f"# engine:      {system.engine_rest_url}/v2  (Camunda 8 REST API; the SDK and zbctl-style tools)")
    jobs = sorted(system.workers.job_types) if system.workers else []
    served = ", ".join(jobs) if jobs else "none registered yet (processes wait at their first job)"
    lines.append(f"# job workers: {served}")
    if generated_secret:
        lines.append("# a JWT key was generated for this run (set OMS_JWT_SECRET to keep tokens across runs)")
    lines.append(f"# tenant '{DEV_TENANT}' has the demo catalog. In another shell:")
    lines += [f"export OMS_{name.upper()}_TOKEN={token}" for name, token in tokens.items()]
    lines += [
        f"O={api}{ORDERS}",
        "# place an order (fiber 1000 Mbps and TV):",
        'curl -s -X POST $O -H "Authorization: Bearer $OMS_AGENT_TOKEN" -H "Content-Type: application/json" \\',
        f"  -d '{_ORDER}' > order.json",
        'ID=$(python3 -c \'import json; print(json.load(open("order.json"))["id"])\')',
        "# watch it: acknowledged -> inProgress -> completed, and its fulfillment plan, task by task",
        'curl -s "$O/$ID?fields=state,completionDate" -H "Authorization: Bearer $OMS_AGENT_TOKEN"',
        f'curl -s "{api}{OPERATIONS}/productOrder/$ID/fulfillmentPlan" -H "Authorization: Bearer $OMS_OPERATOR_TOKEN"',
        "# the fallout work queue (a characteristic value REJECT:<reasonCode> makes the simulators refuse a task)",
        f'curl -s "{api}{OPERATIONS}/falloutCase?status=open" -H "Authorization: Bearer $OMS_OPERATOR_TOKEN"',
    ]
    if system.engine_rest_url:
        lines += [
            "# the process instances in the engine",
            f"curl -s -X POST {system.engine_rest_url}/v2/process-instances/search"
            ' -H "Content-Type: application/json" -d \'{"sort": [{"field": "processInstanceKey", "order": "DESC"}]}\'',
        ]
    lines.append("# or run `oms demo` for a few orders, fallout and repair included. Ctrl-C stops everything.")
    return lines


def run_dev(config: SystemConfig, console: Console, *, generated_secret: bool) -> None:
    """Start the system, print what to try, run until Ctrl-C or SIGTERM, stop cleanly."""
    stopped = threading.Event()
    previous = {signum: signal.signal(signum, lambda *_: stopped.set()) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        with System(config) as system:
            for line in instructions(system, generated_secret=generated_secret):
                console.print(line, soft_wrap=True, highlight=False, markup=False)
            stopped.wait()
            console.print("stopping", highlight=False)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _where(url: str) -> str:
    """host:port/database, without credentials."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    return f"PostgreSQL {info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"
