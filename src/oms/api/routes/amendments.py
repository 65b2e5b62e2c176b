"""Operator extension (not TMF622): an order amendment, and the operator's decision on one that needs
approval (its plan revision undoes work already done; docs/api-order.md, "Amendment approval").

- ``GET /amendment/{id}``: the amendment (status, requested changes, ``approvalRequired``, ``approval``).
- ``POST /amendment/{id}/decision`` with ``{"decision": "approve"|"decline", "comment"?}``: recorded; the
  waiting order-amendment process hears it (``order.amendment.decided``); a declined one is refused.

Only operators decide (403 otherwise). The POST takes ``Idempotency-Key`` and ``If-Match`` (the
amendment's ETag)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse
from pydantic import Field

from oms.api.deps import ContextDep, FieldsDep, IdempotencyKeyDep, IfMatchDep, ServicesDep
from oms.api.render.paths import ORDER_OPERATIONS_PREFIX, order_href
from oms.api.responses import resource_response, run_write, stored
from oms.api.schemas.common import ERROR_RESPONSES, OpenModel, TmfModel
from oms.application.commands.amendment_decision import DecideAmendment, decide_amendment
from oms.application.order_views import AmendmentView
from oms.application.queries.orders import get_amendment
from oms.application.runner import run_query
from oms.application.unit_of_work import UnitOfWork

router = APIRouter(prefix=ORDER_OPERATIONS_PREFIX, tags=["amendment"], responses=ERROR_RESPONSES)
Json = dict[str, Any]
AmendmentId = Annotated[str, Path(min_length=1, max_length=100)]


class AmendmentDecisionIn(TmfModel):
    decision: Literal["approve", "decline"]
    comment: str = Field("", max_length=2000)


class Amendment(OpenModel):
    id: str
    href: str
    status: str
    approvalRequired: bool


_AMENDMENT: dict[int | str, dict[str, Any]] = {200: {"model": Amendment, "description": "ETag = version"}}


def amendment_href(request_id: str) -> str:
    return f"{ORDER_OPERATIONS_PREFIX}/amendment/{request_id}"


def render_amendment(view: AmendmentView) -> Json:
    data = view.to_dict()
    del data["version"]
    order_id = data.pop("orderId")
    return {
        "id": view.id,
        "href": amendment_href(view.id),
        "@type": "ProductOrderAmendment",
        "productOrder": {"id": order_id, "href": order_href(order_id)},
        **{key: value for key, value in data.items() if key != "id"},
    }


@router.get("/amendment/{request_id}", responses=_AMENDMENT)
def get(request_id: AmendmentId, ctx: ContextDep, services: ServicesDep, fields: FieldsDep) -> JSONResponse:
    view = run_query(services.uow_factory, ctx, lambda uow: get_amendment(uow, request_id))
    return resource_response(stored(render_amendment(view), view.version), fields=fields)


@router.post("/amendment/{request_id}/decision", responses=_AMENDMENT)
def decide(
    request_id: AmendmentId,
    body: AmendmentDecisionIn,
    ctx: ContextDep,
    services: ServicesDep,
    key: IdempotencyKeyDep,
    if_match: IfMatchDep,
    fields: FieldsDep,
) -> JSONResponse:
    """Approve or decline an amendment that waits for approval. ``If-Match`` is the amendment's ETag."""
    request = DecideAmendment(request_id, body.decision == "approve", body.comment, if_match)

    def command(uow: UnitOfWork) -> Json:
        view = decide_amendment(uow, request)
        return stored(render_amendment(view), view.version)

    result, replayed = run_write(
        services,
        ctx,
        key=key,
        operation=f"POST /amendment/{request_id}/decision",
        body={"body": body.model_dump(mode="json", exclude_unset=True), "ifMatch": if_match},
        command=command,
    )
    return resource_response(result, fields=fields, replayed=replayed)
