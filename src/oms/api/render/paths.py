"""Resource paths. Hrefs are absolute paths (no scheme or host), so a stored response replays the
same behind any proxy and ``Location`` equals ``href``."""

from __future__ import annotations

CATALOG_PREFIX = "/tmf-api/productCatalogManagement/v4"
QUOTE_PREFIX = "/tmf-api/quoteManagement/v4"


def quote_href(quote_id: str) -> str:
    return f"{QUOTE_PREFIX}/quote/{quote_id}"


def approval_href(quote_id: str) -> str:
    return f"{quote_href(quote_id)}/approval"


def offering_href(offering_id: str) -> str:
    return f"{CATALOG_PREFIX}/productOffering/{offering_id}"


def specification_href(specification_id: str) -> str:
    return f"{CATALOG_PREFIX}/productSpecification/{specification_id}"


ORDER_PREFIX = "/tmf-api/productOrderingManagement/v4"
# Operator extension (not TMF622): fulfillment plans and fallout repair, under a root of its own so
# no TMF client mistakes it for part of the standard API.
ORDER_OPERATIONS_PREFIX = "/oms-api/orderOperations/v1"


def order_href(order_id: str) -> str:
    return f"{ORDER_PREFIX}/productOrder/{order_id}"


def cancellation_href(request_id: str) -> str:
    return f"{ORDER_PREFIX}/cancelProductOrder/{request_id}"


def fulfillment_plan_href(order_id: str) -> str:
    """The order's (current) fulfillment plan."""
    return f"{ORDER_OPERATIONS_PREFIX}/productOrder/{order_id}/fulfillmentPlan"


def plan_href(plan_id: str) -> str:
    """Any plan by id, compensation plans included."""
    return f"{ORDER_OPERATIONS_PREFIX}/fulfillmentPlan/{plan_id}"


def order_fallout_href(order_id: str) -> str:
    return f"{ORDER_OPERATIONS_PREFIX}/productOrder/{order_id}/falloutCase"


def fallout_case_href(case_id: str) -> str:
    return f"{ORDER_OPERATIONS_PREFIX}/falloutCase/{case_id}"
