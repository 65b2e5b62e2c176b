from __future__ import annotations

from oms.domain.shared.errors import DomainError


class DiscountTargetUnknown(DomainError):
    """A manual discount names an item that is not a top-level item of the quote. Manual discounts
    apply to a quote item as a whole (a bundle with its children), never to a child alone."""

    code = "discountTargetUnknown"

    def __init__(self, item_id: str) -> None:
        super().__init__(f"manual discount for item {item_id!r}: no such top-level item", item_id=item_id)
        self.item_id = item_id


class InvalidPriceSnapshot(DomainError):
    """A stored breakdown could not be read back, or its totals do not add up."""

    code = "invalidPriceSnapshot"

    def __init__(self, reason: str) -> None:
        super().__init__(f"price snapshot is invalid: {reason}", reason=reason)
