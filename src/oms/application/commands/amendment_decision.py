"""An operator's decision on an amendment that needs approval (its plan revision undoes work already
done), and the routing flags the order-amendment process reads from an amendment.

``decide_amendment`` records the decision on the amendment and, in the same transaction, publishes
``order.amendment.decided`` (correlation key: the amendment request id, message id
``{requestId}:decided``, variable ``amendmentApproved``) to the process waiting for it. A declined
amendment is refused at once (the order hears it); an approved one is applied by the process's
``order.amendment.apply`` step. Deciding the same way again (a replayed request) answers with the
amendment as it is; deciding the other way is ``illegalTransition``."""

from __future__ import annotations

from dataclasses import dataclass

from oms.application.commands._order_loading import load_amendment, load_order
from oms.application.errors import Conflict, StaleVersion
from oms.application.order_audit import amendment_state, order_state, record_amendment_change, record_order_change
from oms.application.order_views import AmendmentView
from oms.application.unit_of_work import UnitOfWork
from oms.application.workflow import WorkflowMessage

# The contract's message and flag values (docs/processes.md, order-amendment).
AMENDMENT_DECIDED = "order.amendment.decided"
REFUSED, APPROVAL_REQUIRED, ACCEPTED = "refused", "approvalRequired", "accepted"


@dataclass(frozen=True)
class DecideAmendment:
    request_id: str
    approved: bool
    comment: str = ""
    expected_version: int | None = None  # of the amendment (If-Match)


def decide_amendment(uow: UnitOfWork, request: DecideAmendment) -> AmendmentView:
    amendment = load_amendment(uow, request.request_id)
    if request.expected_version is not None and amendment.version != request.expected_version:
        raise StaleVersion("productOrderAmendment", amendment.id, request.expected_version, amendment.version)
    if amendment.approval is not None and amendment.approval.approved == request.approved:
        return AmendmentView.of(amendment)  # decided so before: a replay changes nothing
    order = load_order(uow, amendment.order_id)
    before, order_before = amendment_state(amendment), order_state(order)
    amendment.decide(uow.context.actor, order, approved=request.approved, comment=request.comment, now=uow.now)
    uow.amendments.save(amendment)
    uow.orders.save(order)
    record_amendment_change(uow, "decideAmendment", amendment, before)
    if order.version != order_before["version"]:
        record_order_change(uow, "decideAmendment", order, order_before)
    uow.workflow_messages.publish(
        WorkflowMessage(
            name=AMENDMENT_DECIDED,
            correlation_key=amendment.id,
            message_id=f"{amendment.id}:decided",
            variables={"amendmentApproved": request.approved},
        )
    )
    return AmendmentView.of(amendment)


def amendment_decision(view: AmendmentView) -> str:
    """``amendmentDecision`` of an assessed amendment."""
    if view.status == "refused":
        return REFUSED
    if view.status in ("accepted", "applied"):  # applied: only a very late redelivery sees it
        return APPROVAL_REQUIRED if view.approval_required else ACCEPTED
    raise Conflict(
        f"amendment {view.id!r} is {view.status} and not assessed",
        {"id": view.id, "status": view.status},
        code="illegalTransition",
    )


def amendment_applied(view: AmendmentView) -> bool:
    """``amendmentApplied``: false when the apply step refused it (the plan moved past it)."""
    if view.status == "applied":
        return True
    if view.status == "refused":
        return False
    raise Conflict(
        f"amendment {view.id!r} is {view.status}, neither applied nor refused",
        {"id": view.id, "status": view.status},
        code="illegalTransition",
    )
