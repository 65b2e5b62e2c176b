"""(f) BPMN versions are live: an instance started on version 1 keeps running on version 1 after
version 2 is deployed, new instances start on version 2, and the same workers serve the jobs of
both. Version 2 of quote-approval shortens the approval SLA from 24 h to 12 h, so each instance
visibly follows its own version's timer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from scenario_support import QUOTES, Scenario, quote_body, wait_until

from oms.application.workflow import QUOTE_APPROVAL_WORKFLOW, quote_approval_business_key
from oms.workflow import processes


def _pending_quote(e2e: Scenario) -> tuple[str, str]:
    """A submitted quote waiting for the sales manager: (quote id, business key of its approval)."""
    quote = e2e.post(QUOTES, quote_body(item_discount="15"), expect=201)
    assert e2e.post(f"{QUOTES}/{quote['id']}/submit", expect=200)["state"] == "pending"
    case = e2e.get(f"{QUOTES}/{quote['id']}/approval")
    return quote["id"], quote_approval_business_key(e2e.tenant, quote["id"], case["id"])


def _waiting_role(e2e: Scenario, quote_id: str) -> str:
    level: dict[str, Any] = e2e.get(f"{QUOTES}/{quote_id}/approval")["currentLevel"] or {}
    return str(level.get("role"))


def test_an_instance_keeps_its_version_after_a_new_one_is_deployed_and_the_workers_serve_both(
    start_system: Callable[..., Scenario],
) -> None:
    # given: a quote whose approval runs on version 1 (SLA 24 h)
    e2e = start_system()
    old_quote, old_key = _pending_quote(e2e)
    old = e2e.wait_for_instance(QUOTE_APPROVAL_WORKFLOW, old_key)
    e2e.wait_for_timer(old.key, "approval_sla")

    # when: version 2 (SLA 12 h) is deployed, and another quote is submitted
    model = processes.load(QUOTE_APPROVAL_WORKFLOW).replace(b"R/PT24H", b"R/PT12H")
    deployed = e2e.system.redeploy((processes.resource_name(QUOTE_APPROVAL_WORKFLOW), model))
    assert [p.version for p in deployed.processes] == [old.version + 1]
    new_quote, new_key = _pending_quote(e2e)
    new = e2e.wait_for_instance(QUOTE_APPROVAL_WORKFLOW, new_key)
    e2e.wait_for_timer(new.key, "approval_sla")

    # then: each instance is on its version
    assert (old.version, new.version) == (1, 2)

    # when: 12 hours pass: only the new version's SLA is over
    e2e.system.increase_time(timedelta(hours=12, seconds=1))
    wait_until(lambda: _waiting_role(e2e, new_quote) == "commercial_director", what="the v2 approval escalated")
    assert _waiting_role(e2e, old_quote) == "sales_manager"
    assert e2e.wait_for_timer(old.key, "approval_sla")["due_date"] > e2e.system.clock.now()  # type: ignore[union-attr]

    # when: 12 more hours pass: the version 1 instance escalates on its own timer
    e2e.system.increase_time(timedelta(hours=12))
    wait_until(lambda: _waiting_role(e2e, old_quote) == "commercial_director", what="the v1 approval escalated")

    # then: the director approves both; the same workers finish both versions
    for quote_id in (old_quote, new_quote):
        e2e.post(f"{QUOTES}/{quote_id}/approval/decision", {"decision": "approve"}, "director", expect=200)
    for key in (old_key, new_key):
        e2e.wait_for_instance_state(QUOTE_APPROVAL_WORKFLOW, key, "COMPLETED")
    for quote_id in (old_quote, new_quote):
        assert e2e.get(f"{QUOTES}/{quote_id}")["state"] == "approved"
    served = e2e.rows(
        """
        SELECT DISTINCT d.version FROM engine.job j JOIN engine.process_definition d ON d.key = j.process_definition_key
        WHERE j.process_instance_key IN (%s, %s) AND j.type = 'quote.approval.escalate'
        """,
        old.key,
        new.key,
    )
    assert sorted(row["version"] for row in served) == [1, 2]
