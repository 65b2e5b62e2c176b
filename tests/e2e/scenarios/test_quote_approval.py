"""Quote approval as the process runs it: a discount above the sales manager's limit needs a
decision; nobody decides within the SLA (24 h on the engine's clock), so the case is escalated to
the commercial director, whose approval the process applies to the quote."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from scenario_support import QUOTES, Scenario, quote_body

from oms.application.workflow import QUOTE_APPROVAL_WORKFLOW, quote_approval_business_key


def test_an_approval_nobody_decides_within_its_sla_is_escalated_and_the_escalated_level_approves(
    start_system: Callable[..., Scenario],
) -> None:
    # given: a quote with a 15 % discount (the sales manager may grant 10 %), submitted
    e2e = start_system()
    quote = e2e.post(QUOTES, quote_body(item_discount="15"), expect=201)
    submitted = e2e.post(f"{QUOTES}/{quote['id']}/submit", expect=200)
    assert submitted["state"] == "pending"
    approval = f"{QUOTES}/{quote['id']}/approval"
    case = e2e.get(approval)
    key = quote_approval_business_key(e2e.tenant, quote["id"], case["id"])
    instance = e2e.wait_for_instance(QUOTE_APPROVAL_WORKFLOW, key)
    e2e.wait_for_timer(instance.key, "approval_sla")
    assert case["currentLevel"]["role"] == "sales_manager"

    # when: a day passes on the engine's clock without a decision
    e2e.system.increase_time(timedelta(hours=24, seconds=1))

    # then: the case waits for the commercial director
    escalated = e2e.wait_for(
        approval,
        lambda body: (body.get("currentLevel") or {}).get("role") == "commercial_director",
        what="the approval escalated to the commercial director",
    )
    assert escalated["state"] == "open"

    # when: the director approves
    e2e.post(f"{approval}/decision", {"decision": "approve", "comment": "ok for 24 months"}, "director", expect=200)

    # then: the process applies the decision: the quote is approved and the process has ended
    e2e.wait_for(f"{QUOTES}/{quote['id']}", lambda body: body["state"] == "approved", what="the quote approved")
    assert [level["role"] for level in e2e.get(approval)["levels"]] == ["sales_manager", "commercial_director"]
    e2e.wait_for_instance_state(QUOTE_APPROVAL_WORKFLOW, key, "COMPLETED")
    assert e2e.incidents(instance.key) == []
