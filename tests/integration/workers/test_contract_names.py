"""The names the application writes for the processes are the contract's (``oms.workflow.processes.contract``)."""

from __future__ import annotations

from oms.application.commands import fallout_workflow, fulfillment_stages, provisioning_rounds
from oms.workflow.processes import contract


def test_the_application_uses_the_contract_names() -> None:
    assert fulfillment_stages.NEXT_STEPS == contract.NEXT_STEPS
    assert contract.ORDER_PROVISIONING_COMPLETED.name == provisioning_rounds.PROVISIONING_COMPLETED
    assert contract.FALLOUT_REPAIRED.name == fallout_workflow.FALLOUT_REPAIRED
    assert contract.FALLOUT_CASE_RESOLVED.name == fallout_workflow.FALLOUT_CASE_RESOLVED
    assert (fallout_workflow.AUTOMATIC, fallout_workflow.MANUAL) == contract.REPAIR_MODES
    assert set(fallout_workflow.REPAIR_ACTIONS.values()) | {fallout_workflow.WITHDRAW} == set(contract.REPAIR_ACTIONS)
