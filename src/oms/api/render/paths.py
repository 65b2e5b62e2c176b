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
