"""What ``oms dev`` prints works as printed: the agent's token and the order in the curl place an
order that the running system fulfils."""

from __future__ import annotations

import json
from collections.abc import Callable

from scenario_support import ORDERS, Scenario

from oms.system.dev import DEV_TENANT, instructions


def test_the_order_oms_dev_prints_is_placed_with_its_token_and_completes(start_system: Callable[..., Scenario]) -> None:
    # given: the system as `oms dev` runs it, for tenant demo
    e2e = start_system(tenant=DEV_TENANT, seed_tenants=(DEV_TENANT,), engine_port=0)
    lines = instructions(e2e.system, generated_secret=True)

    # when: the printed curl is replayed: its token, its URL and its body
    exports = dict(line.removeprefix("export ").split("=", 1) for line in lines if line.startswith("export "))
    assert set(exports) == {f"OMS_{name}_TOKEN" for name in ("AGENT", "CUSTOMER", "MANAGER", "DIRECTOR", "OPERATOR")}
    start = next(i for i, line in enumerate(lines) if line.startswith("  -d '"))
    end = next(i for i, line in enumerate(lines) if line.endswith("' > order.json"))
    body = json.loads(" ".join(lines[start : end + 1]).removeprefix("  -d '").removesuffix("' > order.json"))
    assert f"O={e2e.system.api_url}{ORDERS}" in lines
    response = e2e.http.post(ORDERS, json=body, headers={"Authorization": f"Bearer {exports['OMS_AGENT_TOKEN']}"})

    # then: acknowledged, and fulfilled (fiber and TV: inventory, logistics, provisioning, billing)
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["state"] == "acknowledged"
    assert e2e.wait_for_order(order["id"], "completed")["state"] == "completed"
    assert e2e.system.engine_rest_url is not None
    assert any(f"{e2e.system.engine_rest_url}/v2/process-instances/search" in line for line in lines)
