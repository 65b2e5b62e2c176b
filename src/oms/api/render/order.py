"""TMF622 ``ProductOrder`` and ``CancelProductOrder`` JSON from the application's order views.

Items are stored flat; a bundle's children are rendered nested in their bundle's
``productOrderItem``, as they are given on creation. Prices are TMF ``OrderPrice``: one per charge
type with the net amount and every discount line as a ``priceAlteration``.

Extensions (TMF622 v4 has no field for them, so they are prefixed ``@oms.``):
``@oms.rejectionReason`` (why a rejected order was rejected, per item), ``@oms.falloutStatus``
(``none`` / ``inFallout``) with ``@oms.falloutCase`` links, ``@oms.amendmentStatus`` with the
latest ``@oms.amendment``, ``@oms.cancellationRequest``, ``@oms.supplementsOrder``,
``@oms.fulfillmentPlan`` (a link to the operator extension), ``@oms.priceLine`` (the priced lines
behind ``itemPrice``) and, on a cancel request, ``@oms.cancellationOutcome`` with its reason."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from oms.api.render.paths import (
    cancellation_href,
    fallout_case_href,
    fulfillment_plan_href,
    offering_href,
    order_href,
    quote_href,
    specification_href,
)
from oms.application.codecs import iso_or_none
from oms.application.order_views import AmendmentView, CancellationView, OrderItemView, OrderSummary, OrderView
from oms.domain.shared.money import Money

Json = dict[str, Any]
_PRICE_TYPES = (("oneTime", "oneTime"), ("recurring", "recurringMonthly"))
_DISCOUNTS = ("catalogDiscount", "manualDiscount")


def render_order(view: OrderView, amendment: AmendmentView | None = None) -> Json:
    """``amendment``: the amendment just requested, shown as ``@oms.amendment`` (the order itself
    only knows the latest amendment's id and status)."""
    children: dict[str | None, list[OrderItemView]] = {}
    for item in view.items:
        children.setdefault(item.parent_item_id, []).append(item)
    body: Json = {
        "id": view.id,
        "href": order_href(view.id),
        "@type": "ProductOrder",
        "state": view.state,
        "orderDate": view.order_date.isoformat(),
        "completionDate": iso_or_none(view.completion_date),
        "cancellationDate": iso_or_none(view.cancellation_date),
        "cancellationReason": view.cancellation_reason,
        "requestedStartDate": iso_or_none(view.requested_start_date),
        "requestedCompletionDate": iso_or_none(view.requested_completion_date),
        "description": view.description,
        "category": view.category,
        "externalId": view.external_id,
        "priority": view.priority,
        "relatedParty": [_party(party) for party in view.related_parties],
        "quote": _quote_refs(view.quote_id),
        "productOrderItem": [_item(item, children, view.quote_id) for item in children.get(None, [])],
        "orderTotalPrice": _total_prices(view.currency, view.one_time_total, view.recurring_monthly_total),
        "@oms.rejectionReason": list(view.rejection_reasons),
        "@oms.falloutStatus": view.fallout_status,
        "@oms.falloutCase": [_case_ref(case_id) for case_id in view.fallout_case_ids],
        "@oms.amendmentStatus": view.amendment_status,
        "@oms.amendment": _amendment(amendment) if amendment else _amendment_ref(view),
        "@oms.cancellationRequest": _cancellation_ref(view.cancellation_request_id),
        "@oms.supplementsOrder": _order_ref(view.supplements_order_id),
        "@oms.fulfillmentPlan": None if view.state == "rejected" else {"href": fulfillment_plan_href(view.id)},
    }
    if view.order_lines:
        body["@oms.priceLine"] = list(view.order_lines)
    return body


def render_order_summary(summary: OrderSummary) -> Json:
    """A list row: the first-level attributes a summary has (no items: GET the order for those)."""
    return {
        "id": summary.id,
        "href": order_href(summary.id),
        "@type": "ProductOrder",
        "state": summary.state,
        "orderDate": summary.order_date.isoformat(),
        "completionDate": iso_or_none(summary.completion_date),
        "externalId": summary.external_id,
        "quote": _quote_refs(summary.quote_id),
        "orderTotalPrice": _total_prices(summary.currency, summary.one_time_total, summary.recurring_monthly_total),
        "@oms.itemCount": summary.item_count,
        "@oms.falloutStatus": summary.fallout_status,
        "@oms.supplementsOrder": _order_ref(summary.supplements_order_id),
    }


def render_cancellation(view: CancellationView) -> Json:
    return {
        "id": view.id,
        "href": cancellation_href(view.id),
        "@type": "CancelProductOrder",
        "state": view.state,
        "productOrder": _order_ref(view.order_id),
        "cancellationReason": view.reason,
        "requestedCancellationDate": iso_or_none(view.requested_cancellation_date),
        "effectiveCancellationDate": iso_or_none(view.effective_cancellation_date),
        "@oms.requestedAt": view.requested_at.isoformat(),
        "@oms.requestedBy": view.requested_by,
        "@oms.cancellationOutcome": view.outcome,
        "@oms.cancellationOutcomeReason": view.outcome_reason or None,
        "@oms.falloutCase": [_case_ref(case_id) for case_id in view.fallout_case_ids],
    }


def _item(item: OrderItemView, children: dict[str | None, list[OrderItemView]], quote_id: str | None) -> Json:
    product: Json = {"@type": "Product", "productCharacteristic": list(item.characteristics)}
    if item.product_id is not None:
        product["id"] = item.product_id
    if item.specification_id is not None:
        product["productSpecification"] = {
            "id": item.specification_id,
            "href": specification_href(item.specification_id),
            "@referredType": "ProductSpecification",
        }
    body: Json = {
        "id": item.id,
        "@type": "ProductOrderItem",
        "action": item.action,
        "state": item.state,
        "quantity": item.quantity,
        "productOffering": None
        if item.offering_id is None
        else {"id": item.offering_id, "href": offering_href(item.offering_id), "@referredType": "ProductOffering"},
        "product": product,
        "itemPrice": _item_prices(item.price),
        "productOrderItem": [_item(child, children, quote_id) for child in children.get(item.id, [])],
    }
    if item.quote_item_id is not None and quote_id is not None:
        body["quoteItem"] = {"id": item.quote_item_id, "quoteId": quote_id, "quoteHref": quote_href(quote_id)}
    if item.price is not None:
        body["@oms.priceLine"] = item.price["lines"]
    return body


def _item_prices(price: Json | None) -> list[Json]:
    if price is None:
        return []
    return _prices(price["totals"], price["lines"])


def _total_prices(currency: str | None, one_time: Money | None, recurring: Money | None) -> list[Json]:
    """Both charge types, even when zero, so a client always finds the total it looks for; an
    order rejected before it could be priced has none."""
    if currency is None or one_time is None or recurring is None:
        return []
    totals = {"oneTime": one_time.to_dict(), "recurringMonthly": recurring.to_dict()}
    return [_order_price(price_type, totals[key], []) for price_type, key in _PRICE_TYPES]


def _prices(totals: Json, lines: list[Json]) -> list[Json]:
    """One ``OrderPrice`` per charge type that has lines: the net total, discounts as alterations."""
    by_type = {
        price_type: [line for line in lines if line["priceType"] == price_type] for price_type, _ in _PRICE_TYPES
    }
    return [
        _order_price(price_type, totals[key], by_type[price_type])
        for price_type, key in _PRICE_TYPES
        if by_type[price_type] or totals[key]["value"] not in ("0", "0.00")
    ]


def _order_price(price_type: str, total: Json, lines: Iterable[Json]) -> Json:
    price: Json = {
        "@type": "OrderPrice",
        "priceType": price_type,
        "price": {"@type": "Price", "dutyFreeAmount": total},
        "priceAlteration": [
            {
                "@type": "PriceAlteration",
                "priceType": price_type,
                "name": line["description"],
                "price": {"@type": "Price", "dutyFreeAmount": line["amount"]},
            }
            for line in lines
            if line["kind"] in _DISCOUNTS
        ],
    }
    if price_type == "recurring":
        price["recurringChargePeriod"] = "month"
    return price


def _party(party: Json) -> Json:
    body: Json = {"id": party["id"], "@referredType": party["@referredType"], "@type": "RelatedParty"}
    for name in ("role", "name"):
        if party.get(name) is not None:
            body[name] = party[name]
    return body


def _quote_refs(quote_id: str | None) -> list[Json]:
    return [] if quote_id is None else [{"id": quote_id, "href": quote_href(quote_id), "@referredType": "Quote"}]


def _order_ref(order_id: str | None) -> Json | None:
    if order_id is None:
        return None
    return {"id": order_id, "href": order_href(order_id), "@referredType": "ProductOrder"}


def _cancellation_ref(request_id: str | None) -> Json | None:
    if request_id is None:
        return None
    return {"id": request_id, "href": cancellation_href(request_id), "@referredType": "CancelProductOrder"}


def _case_ref(case_id: str) -> Json:
    return {"id": case_id, "href": fallout_case_href(case_id), "@referredType": "FalloutCase"}


def _amendment_ref(view: OrderView) -> Json | None:
    if view.amendment_request_id is None:
        return None
    return {"id": view.amendment_request_id, "status": view.amendment_status}


def _amendment(amendment: AmendmentView) -> Json:
    return {
        "id": amendment.id,
        "status": amendment.status,
        "requestedAt": amendment.requested_at.isoformat(),
        "requestedBy": amendment.requested_by,
        "addedItem": [item["id"] for item in amendment.add],
        "modifiedItem": [item["id"] for item in amendment.modify],
        "removedItem": list(amendment.remove),
        "reason": list(amendment.reasons),
    }
