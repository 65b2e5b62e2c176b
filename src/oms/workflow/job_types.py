"""The stable job types: the contract between the BPMN models and the workers.

A BPMN service task names one of these; a worker registers a handler under it. Renaming one breaks
every deployed process version that still has instances waiting on it, so these only ever grow.
"""

from __future__ import annotations

from typing import Final

QUOTE_APPROVAL_EVALUATE: Final = "quote.approval.evaluate"
QUOTE_APPROVAL_ASSIGN: Final = "quote.approval.assign"
QUOTE_APPROVAL_APPLY_DECISION: Final = "quote.approval.apply-decision"
QUOTE_APPROVAL_ESCALATE: Final = "quote.approval.escalate"  # the SLA passed: escalate the waiting level
QUOTE_APPROVAL_EXPIRE: Final = "quote.approval.expire"  # nobody decided in time: close the case as expired

ORDER_FULFILLMENT_DECOMPOSE: Final = "order.fulfillment.decompose"
ORDER_FULFILLMENT_RESERVE_RESOURCE: Final = "order.fulfillment.reserve-resource"
ORDER_FULFILLMENT_PROVISION_SERVICE: Final = "order.fulfillment.provision-service"
ORDER_FULFILLMENT_ACTIVATE_BILLING: Final = "order.fulfillment.activate-billing"
ORDER_FULFILLMENT_CLOSE_ORDER: Final = "order.fulfillment.close-order"
ORDER_FULFILLMENT_OPEN_FALLOUT: Final = "order.fulfillment.open-fallout"  # provisioning timed out

ORDER_CANCELLATION_ASSESS: Final = "order.cancellation.assess"
ORDER_CANCELLATION_COMPENSATE: Final = "order.cancellation.compensate"
ORDER_CANCELLATION_CLOSE: Final = "order.cancellation.close"

ORDER_AMENDMENT_ASSESS: Final = "order.amendment.assess"
ORDER_AMENDMENT_APPLY: Final = "order.amendment.apply"

FALLOUT_REPAIR_EVALUATE: Final = "fallout.repair.evaluate"
FALLOUT_REPAIR_RESUME: Final = "fallout.repair.resume"  # tell the waiting process: fallout.repaired

ALL_JOB_TYPES: Final[tuple[str, ...]] = (
    QUOTE_APPROVAL_EVALUATE,
    QUOTE_APPROVAL_ASSIGN,
    QUOTE_APPROVAL_APPLY_DECISION,
    QUOTE_APPROVAL_ESCALATE,
    QUOTE_APPROVAL_EXPIRE,
    ORDER_FULFILLMENT_DECOMPOSE,
    ORDER_FULFILLMENT_RESERVE_RESOURCE,
    ORDER_FULFILLMENT_PROVISION_SERVICE,
    ORDER_FULFILLMENT_ACTIVATE_BILLING,
    ORDER_FULFILLMENT_CLOSE_ORDER,
    ORDER_FULFILLMENT_OPEN_FALLOUT,
    ORDER_CANCELLATION_ASSESS,
    ORDER_CANCELLATION_COMPENSATE,
    ORDER_CANCELLATION_CLOSE,
    ORDER_AMENDMENT_ASSESS,
    ORDER_AMENDMENT_APPLY,
    FALLOUT_REPAIR_EVALUATE,
    FALLOUT_REPAIR_RESUME,
)
