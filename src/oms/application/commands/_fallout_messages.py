"""``fallout.case.resolved``: written by every command that closes a fallout case (an operator's
repair, the withdrawal of a moot case), in its transaction, for the case's fallout-repair process
waiting for the operator (docs/processes.md, fallout-repair)."""

from __future__ import annotations

from typing import Final

from oms.application.unit_of_work import UnitOfWork
from oms.application.workflow import WorkflowMessage
from oms.domain.fallout.lifecycle import RepairKind
from oms.domain.fallout.model import FalloutCase

FALLOUT_CASE_RESOLVED: Final = "fallout.case.resolved"

#: ``repairAction`` of each repair (``withdraw`` for a case closed because it became moot)
REPAIR_ACTIONS: Final = {
    RepairKind.RETRY: "retry",
    RepairKind.COMPLETE_MANUALLY: "completeManually",
    RepairKind.SKIP: "skip",
    RepairKind.CANCEL_ORDER: "cancelOrder",
}
WITHDRAW: Final = "withdraw"


def repair_action(case: FalloutCase) -> str:
    return WITHDRAW if case.repair is None else REPAIR_ACTIONS[case.repair.kind]


def announce_case_closed(uow: UnitOfWork, case: FalloutCase) -> None:
    """Message id ``{caseId}:resolved``: a case closes once. Nothing while the case is live."""
    if not case.status.is_final:
        return
    uow.workflow_messages.publish(
        WorkflowMessage(FALLOUT_CASE_RESOLVED, case.id, f"{case.id}:resolved", {"repairAction": repair_action(case)})
    )
