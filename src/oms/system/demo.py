"""``oms demo``: a few orders through the whole system, two of them falling out at provisioning and
repaired by an operator through the API, and a table of what happened to each.

It drives the system only through HTTP, as a user would: the TMF622 API and the operator extension
of the OMS, and the simulators' admin API to play the provisioning system (no XGS-PON capacity,
then capacity added). Against a running ``oms dev`` (``--api-url``, ``--simulators-url``, the
tokens it printed in ``OMS_AGENT_TOKEN`` and ``OMS_OPERATOR_TOKEN``), or on a system of its own.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

ORDERS = "/tmf-api/productOrderingManagement/v4/productOrder"
OPERATIONS = "/oms-api/orderOperations/v1"
CUSTOMER = {"id": "customer-demo", "role": "customer", "@referredType": "Individual"}
#: the provisioning system has no XGS-PON capacity until the demo "adds" it
NO_XGS_PON = {
    "reasonCode": "noCapacity",
    "reason": "no XGS-PON capacity at the address",
    "characteristic": "technology",
    "value": "XGS-PON",
    "operations": ["provision"],
}
WAIT_S = 60.0


def _fiber(speed: int, technology: str = "GPON") -> dict[str, Any]:
    return {
        "id": "1",
        "action": "add",
        "productOffering": {"id": "po-fiber-broadband"},
        "product": {
            "productCharacteristic": [
                {"name": "downloadSpeed", "value": speed},
                {"name": "technology", "value": technology},
            ]
        },
    }


def _static_ip() -> dict[str, Any]:
    return {"id": "2", "action": "add", "productOffering": {"id": "po-static-ip"}}


@dataclass
class DemoOrder:
    label: str
    items: list[dict[str, Any]]
    #: how the operator repairs its fallout: "completeManually", "retryAfterCapacity", or None (none expected)
    repair: str | None = None
    id: str = ""
    placed_at: float = 0.0
    ended_at: float = 0.0
    state: str = ""
    fallout: str = ""
    repaired: str = ""
    notes: list[str] = field(default_factory=list)


class DemoError(RuntimeError):
    pass


class Demo:
    def __init__(self, api: httpx.Client, simulators: httpx.Client, tokens: dict[str, str], console: Console) -> None:
        self.api = api
        self.simulators = simulators
        self.tokens = tokens
        self.console = console

    # -- HTTP ----------------------------------------------------------------------------------

    def _call(self, method: str, path: str, actor: str, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[actor]}"}
        if method == "POST":
            headers["Idempotency-Key"] = uuid.uuid4().hex
        response = self.api.request(method, path, json=body, headers=headers)
        if response.status_code >= 300:
            raise DemoError(f"{method} {path} answered {response.status_code}: {response.text[:300]}")
        return response.json() if response.content else {}

    def _until(self, what: str, check: Callable[[], Any]) -> Any:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            value = check()
            if value:
                return value
            time.sleep(0.1)
        raise DemoError(f"{what} did not happen within {WAIT_S:.0f} s")

    # -- the story -----------------------------------------------------------------------------

    def run(self) -> list[DemoOrder]:
        self._provisioning_rejections([NO_XGS_PON])
        orders = [
            DemoOrder("fiber 1000 Mbps", [_fiber(1000)]),
            DemoOrder("fiber 500 Mbps + static IP", [_fiber(500), _static_ip()]),
            DemoOrder("fiber 1000 Mbps XGS-PON", [_fiber(1000, "XGS-PON")], repair="completeManually"),
            DemoOrder("fiber 500 Mbps XGS-PON", [_fiber(500, "XGS-PON")], repair="retryAfterCapacity"),
        ]
        for order in orders:
            body = {"@type": "ProductOrder", "relatedParty": [CUSTOMER], "productOrderItem": order.items}
            order.placed_at = time.monotonic()
            placed = self._call("POST", ORDERS, "agent", body)
            order.id = placed["id"]
            self.console.print(f"placed {order.label}: order {order.id} ({placed['state']})", highlight=False)
        for order in orders:
            self._follow(order)
        for order in orders:
            if order.repair == "retryAfterCapacity":
                self._provisioning_rejections([])
                self.console.print("provisioning: XGS-PON capacity added", highlight=False)
                self._repair(order)
                self._follow(order)
        return orders

    def _follow(self, order: DemoOrder) -> None:
        """Until the order ends, or waits for an operator (held by fallout, which is repaired)."""

        def settled() -> dict[str, Any] | None:
            body = self._call("GET", f"{ORDERS}/{order.id}", "agent")
            ended = body["state"] in ("completed", "failed", "partial", "cancelled")
            return body if ended or (body["state"] == "held" and not order.repaired) else None

        body = self._until(f"order {order.id} settling", settled)
        order.state = body["state"]
        if order.state != "held":
            order.ended_at = time.monotonic()
            return
        cases = self._call("GET", f"{OPERATIONS}/productOrder/{order.id}/falloutCase", "operator")
        open_cases = [c for c in cases if c["status"] == "open"]
        order.fallout = "; ".join(f"{c['category']}: {c['reason']}" for c in open_cases)
        self.console.print(f"order {order.id} is held: {order.fallout}", highlight=False)
        if order.repair == "completeManually":
            self._repair(order)
            self._follow(order)

    def _repair(self, order: DemoOrder) -> None:
        cases = self._call("GET", f"{OPERATIONS}/productOrder/{order.id}/falloutCase", "operator")
        for case in (c for c in cases if c["status"] in ("open", "inRepair")):
            path = f"{OPERATIONS}/falloutCase/{case['id']}"
            self._call("POST", f"{path}/assign", "operator")
            if order.repair == "completeManually":
                evidence = {"evidence": "provisioned on a GPON port by the field team", "externalReference": "svc-man"}
                self._call("POST", f"{path}/completeManually", "operator", evidence)
                order.repaired = "task completed by hand"
            else:
                self._call("POST", f"{path}/retry", "operator")
                order.repaired = "retried after capacity was added"
            self.console.print(f"operator repaired order {order.id}: {order.repaired}", highlight=False)

    def _provisioning_rejections(self, rules: list[dict[str, Any]]) -> None:
        response = self.simulators.patch("/admin/config", json={"provisioning": {"rejections": rules}})
        if response.status_code != 200:
            raise DemoError(f"the simulators refused their configuration: {response.status_code} {response.text}")


def outcome_table(orders: list[DemoOrder]) -> Table:
    table = Table(title="oms demo: what happened to each order")
    for column in ("order", "id", "fallout", "repair", "state", "seconds"):
        table.add_column(column)
    for order in orders:
        seconds = f"{order.ended_at - order.placed_at:.1f}" if order.ended_at else "-"
        table.add_row(order.label, order.id[:8], order.fallout or "-", order.repaired or "-", order.state, seconds)
    return table


def run_demo(api_url: str, simulators_url: str, tokens: dict[str, str], console: Console) -> list[DemoOrder]:
    with httpx.Client(base_url=api_url, timeout=30) as api, httpx.Client(base_url=simulators_url, timeout=30) as sims:
        orders = Demo(api, sims, tokens, console).run()
    console.print(outcome_table(orders))
    return orders


def run_demo_on_own_system(console: Console, *, database_url: str | None) -> list[DemoOrder]:
    """Starts a system of its own (on ``database_url``, else the embedded PostgreSQL), runs the demo
    for tenant ``demo``, and stops it."""
    from oms.system.config import SystemConfig
    from oms.system.dev import DEV_TENANT
    from oms.system.runner import System

    config = SystemConfig(database_url=database_url, seed_tenants=(DEV_TENANT,), simulators={"seed": 42})
    with System(config) as system:
        assert system.api_url is not None and system.simulators_url is not None
        console.print(f"system started: API {system.api_url}, simulators {system.simulators_url}", highlight=False)
        return run_demo(system.api_url, system.simulators_url, system.tokens(DEV_TENANT), console)
