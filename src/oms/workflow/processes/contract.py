"""The names the BPMN models and the workers share besides job types (those are in
:mod:`oms.workflow.job_types`): messages with the variable that correlates them, BPMN error codes,
and the values of the routing flags. ``docs/processes.md`` explains each; the model tests check
that the models use exactly these.

A message is published (through the durable correlation table and the relay) with the correlation
key given here, taken from the business fact it reports: the approval case id, the provisioning
request id the worker returned, the fallout case id, the order id, the amendment request id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class MessageContract:
    name: str
    #: the process variable whose value is the correlation key
    correlation_variable: str
    #: the variables the message may carry (what the model takes from it)
    variables: tuple[str, ...] = ()


# ------------------------------------------------------------------------------------ messages

QUOTE_APPROVAL_DECIDED: Final = MessageContract("quote.approval.decided", "approvalCaseId", ("approvalOutcome",))
ORDER_PROVISIONING_COMPLETED: Final = MessageContract(
    "order.provisioning.completed", "provisioningRequestId", ("provisioningOutcome", "nextStep", "falloutCaseId")
)
FALLOUT_REPAIRED: Final = MessageContract("fallout.repaired", "falloutCaseId", ("nextStep",))
ORDER_CANCELLATION_ACCEPTED: Final = MessageContract("order.cancellation.accepted", "orderId")
ORDER_AMENDMENT_DECIDED: Final = MessageContract(
    "order.amendment.decided", "amendmentRequestId", ("amendmentApproved",)
)
FALLOUT_CASE_RESOLVED: Final = MessageContract("fallout.case.resolved", "falloutCaseId", ("repairAction",))

ALL_MESSAGES: Final[tuple[MessageContract, ...]] = (
    QUOTE_APPROVAL_DECIDED,
    ORDER_PROVISIONING_COMPLETED,
    FALLOUT_REPAIRED,
    ORDER_CANCELLATION_ACCEPTED,
    ORDER_AMENDMENT_DECIDED,
    FALLOUT_CASE_RESOLVED,
)

# ------------------------------------------------------------------------------------ BPMN errors

#: a fulfillment step failed for a business reason; the job carries ``falloutCaseId`` (case opened)
FALLOUT: Final = "FALLOUT"
#: a compensation task failed; the job carries ``falloutCaseId`` (case opened)
COMPENSATION_FAILED: Final = "COMPENSATION_FAILED"

ALL_ERROR_CODES: Final[tuple[str, ...]] = (FALLOUT, COMPENSATION_FAILED)

# ------------------------------------------------------------------------------------ flag values

#: ``approvalOutcome``: what the case is after a decision (``pending``: waiting for the next level), or
#: ``expired`` (set by ``quote.approval.expire``)
APPROVAL_OUTCOMES: Final = ("approved", "rejected", "pending", "expired")
#: ``nextStep``: the stage of the plan's next ready task, or ``close`` when the plan is finished
NEXT_STEPS: Final = ("reserve-resource", "provision-service", "activate-billing", "close")
#: ``provisioningOutcome``
PROVISIONING_OUTCOMES: Final = ("completed", "fallout")
#: ``cancellationDecision``
CANCELLATION_DECISIONS: Final = ("refused", "nothingToUndo", "compensate")
#: ``amendmentDecision``
AMENDMENT_DECISIONS: Final = ("refused", "approvalRequired", "accepted")
#: ``repairMode``
REPAIR_MODES: Final = ("automatic", "manual")
#: ``repairAction``: what the operator did (the fallout case's repair, or its withdrawal)
REPAIR_ACTIONS: Final = ("retry", "completeManually", "skip", "cancelOrder", "withdraw")
