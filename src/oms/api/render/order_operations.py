"""JSON of the operator extension (not TMF622): fulfillment plans with their tasks, and fallout
cases. Attribute names follow the TMF style (camelCase, ``@type``, references with ``href``)."""

from __future__ import annotations

from typing import Any

from oms.api.render.paths import fallout_case_href, order_href, plan_href
from oms.application.fulfillment_views import FalloutCaseView, PlanView, TaskView

Json = dict[str, Any]


def render_plan(view: PlanView) -> Json:
    return {
        "id": view.id,
        "href": plan_href(view.id),
        "@type": "FulfillmentPlan",
        "productOrder": _order_ref(view.order_id),
        "purpose": view.purpose,
        "revision": view.revision,
        "compensatesPlan": None
        if view.compensates_plan is None
        else {"id": view.compensates_plan, "href": plan_href(view.compensates_plan)},
        "createdAt": view.created_at.isoformat(),
        "canClose": view.can_close,
        "pointOfNoReturnPassed": view.point_of_no_return_passed,
        "readyTask": list(view.ready_task_ids),
        "task": [_task(task) for task in view.tasks],
    }


def render_fallout_case(view: FalloutCaseView) -> Json:
    return {
        "id": view.id,
        "href": fallout_case_href(view.id),
        "@type": "FalloutCase",
        "status": view.status,
        "category": view.category,
        "reason": view.reason,
        "productOrder": _order_ref(view.order_id),
        "productOrderItem": {"id": view.item_id},
        "fulfillmentPlan": {"id": view.plan_id, "href": plan_href(view.plan_id)},
        "task": {"id": view.task_id},
        "openedAt": view.opened_at.isoformat(),
        "openedBy": view.opened_by,
        "repairData": view.repair_data,
        "assignee": view.assignee,
        "repair": view.repair,
        "closedAt": None if view.closed_at is None else view.closed_at.isoformat(),
        "closeReason": view.close_reason or None,
    }


def _task(task: TaskView) -> Json:
    body = task.to_dict()
    # The plan and the order are the enclosing resource's; repeating them on each task adds nothing.
    del body["planId"], body["orderId"]
    return {"@type": "FulfillmentTask", **body}


def _order_ref(order_id: str) -> Json:
    return {"id": order_id, "href": order_href(order_id), "@referredType": "ProductOrder"}
