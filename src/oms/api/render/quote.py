"""TMF648 ``Quote`` JSON from ``QuoteView`` / ``QuoteSummary``.

Extensions (TMF allows them on any resource): ``contractTermMonths``, ``catalogVersion``,
``submittedDate``, ``approvalCaseId``, ``approvalRequirement``, ``previousQuote``/``supersededBy``,
``manualDiscountPercent`` on items and on the quote, and ``priceLine`` (the priced lines behind
``quoteItemPrice``)."""

from __future__ import annotations

from typing import Any

from oms.api.render.paths import approval_href, offering_href, quote_href
from oms.application.views import QuoteSummary, QuoteView

Json = dict[str, Any]
_PRICE_TYPES = (("oneTime", "oneTime"), ("recurring", "recurringMonthly"))


def render_quote(view: QuoteView) -> Json:
    prices = {item["itemId"]: item for item in view.price["items"]}
    return {
        "id": view.id,
        "href": quote_href(view.id),
        "@type": "Quote",
        "version": str(view.quote_version),
        "state": view.state,
        "description": view.description,
        "quoteDate": view.created_at.isoformat(),
        "submittedDate": None if view.submitted_at is None else view.submitted_at.isoformat(),
        "effectiveQuoteCompletionDate": None if view.completed_at is None else view.completed_at.isoformat(),
        "validFor": {"startDateTime": view.valid_from.isoformat(), "endDateTime": view.valid_until.isoformat()},
        "relatedParty": [_customer(view.customer_id)],
        "contractTermMonths": view.contract_term_months,
        "catalogVersion": view.catalog_version,
        "manualDiscountPercent": view.price["quoteDiscountPercent"],
        "quoteItem": [_item(item.configuration, prices[item.id]) for item in view.items],
        "quoteTotalPrice": _total_prices(view.price),
        "authorization": [_authorization(a) for a in view.authorizations],
        "approvalCaseId": view.approval_case_id,
        "approval": None if view.approval_case_id is None else {"href": approval_href(view.id)},
        "approvalRequirement": view.approval_requirement,
        "previousQuote": _ref(view.previous_quote_id),
        "supersededBy": _ref(view.superseded_by),
    }


def render_quote_summary(summary: QuoteSummary) -> Json:
    """A list row: the first-level attributes a summary has (no items; GET the quote for those)."""
    totals = {
        "oneTime": summary.one_time_total.to_dict(),
        "recurringMonthly": summary.recurring_monthly_total.to_dict(),
    }
    return {
        "id": summary.id,
        "href": quote_href(summary.id),
        "@type": "Quote",
        "version": str(summary.quote_version),
        "state": summary.state,
        "quoteDate": summary.created_at.isoformat(),
        "validFor": {"endDateTime": summary.valid_until.isoformat()},
        "relatedParty": [_customer(summary.customer_id)],
        "quoteTotalPrice": [
            _quote_price(price_type, totals[key], []) for price_type, key in _PRICE_TYPES if _has(totals[key], [])
        ],
    }


def _customer(customer_id: str) -> Json:
    return {"id": customer_id, "role": "customer", "@referredType": "Customer", "@type": "RelatedParty"}


def _ref(quote_id: str | None) -> Json | None:
    return None if quote_id is None else {"id": quote_id, "href": quote_href(quote_id), "@referredType": "Quote"}


def _item(configuration: Json, price: Json) -> Json:
    children = {child["itemId"]: child for child in price["children"]}
    return {
        "id": configuration["id"],
        "@type": "QuoteItem",
        "action": "add",
        "quantity": configuration["quantity"],
        "productOffering": {
            "id": configuration["productOffering"],
            "href": offering_href(configuration["productOffering"]),
            "@referredType": "ProductOffering",
        },
        "product": {
            "@type": "Product",
            "productCharacteristic": [
                {"name": c["name"], "valueType": c["valueType"], "value": c["value"]}
                for c in configuration["productCharacteristic"]
            ],
        },
        "manualDiscountPercent": price["manualDiscountPercent"],
        "quoteItemPrice": _prices(price["totals"], price["lines"]),
        "priceLine": price["lines"],
        "quoteItem": [_item(child, children[child["id"]]) for child in configuration["quoteItem"]],
    }


def _prices(totals: Json, lines: list[Json]) -> list[Json]:
    """One TMF ``QuotePrice`` per charge type that has lines: the net total, with every discount
    line as a ``priceAlteration``."""
    return [
        _quote_price(price_type, totals[key], [line for line in lines if line["priceType"] == price_type])
        for price_type, key in _PRICE_TYPES
        if _has(totals[key], [line for line in lines if line["priceType"] == price_type])
    ]


def _total_prices(price: Json) -> list[Json]:
    return _prices(price["totals"], price["quoteLines"]) or [
        _quote_price(price_type, price["totals"][key], []) for price_type, key in _PRICE_TYPES
    ]


def _has(total: Json, lines: list[Json]) -> bool:
    return bool(lines) or total["value"] not in ("0", "0.00")


def _quote_price(price_type: str, total: Json, lines: list[Json]) -> Json:
    price: Json = {
        "@type": "QuotePrice",
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
            if line["kind"] in ("catalogDiscount", "manualDiscount")
        ],
    }
    if price_type == "recurring":
        price["recurringChargePeriod"] = "month"
    return price


def _authorization(authorization: Json) -> Json:
    return {
        "@type": "Authorization",
        "name": authorization["name"],
        "state": authorization["state"],
        "requestedDate": authorization["requestedAt"],
        "givenDate": authorization["givenAt"],
        "approver": [{"id": authorization["approverId"], "role": authorization["role"], "@type": "RelatedParty"}],
        "level": authorization["level"],
        "approvalCaseId": authorization["approvalCaseId"],
        "comment": authorization["comment"],
    }
