"""Identifiers. They are plain strings at run time (so they serialise as they are) but distinct
types for mypy, so a quote id cannot be passed where an offering id is expected.

The domain never generates ids: the application layer passes them in, which keeps every command
deterministic and lets a retried request reuse the id it was given."""

from __future__ import annotations

from typing import NewType

ActorId = NewType("ActorId", str)
CustomerId = NewType("CustomerId", str)
SpecificationId = NewType("SpecificationId", str)
OfferingId = NewType("OfferingId", str)
PriceId = NewType("PriceId", str)
DiscountId = NewType("DiscountId", str)
RuleId = NewType("RuleId", str)
QuoteId = NewType("QuoteId", str)
QuoteItemId = NewType("QuoteItemId", str)
ApprovalCaseId = NewType("ApprovalCaseId", str)
# Orders: shared by order, fulfillment and fallout, which must not import each other upwards.
OrderId = NewType("OrderId", str)
OrderItemId = NewType("OrderItemId", str)
ProductId = NewType("ProductId", str)  # an installed product (TMF637 product inventory)
