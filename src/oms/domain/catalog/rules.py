"""Rules across the items of one quote, and catalog discounts.

TMF620 expresses both rule kinds as ``productOfferingRelationship`` with a ``relationshipType``
("requires", "excludes"); they are separate types here so each one says what it checks."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from oms.domain.catalog.offerings import PriceType
from oms.domain.shared.ids import DiscountId, OfferingId, RuleId
from oms.domain.shared.money import Money
from oms.domain.shared.time import ALWAYS, TimePeriod


@dataclass(frozen=True)
class CompatibilityRule:
    """When the quote holds ``offering_id``, it must also hold ``requires_offering_id`` (as an item
    of its own or inside a bundle), e.g. a static IP requires broadband."""

    id: RuleId
    offering_id: OfferingId
    requires_offering_id: OfferingId
    description: str = ""


@dataclass(frozen=True)
class ExclusionRule:
    """The quote may not hold ``offering_id`` and ``excludes_offering_id`` together. A rule whose two
    offerings are the same limits the quote to one unit of that offering (one broadband line)."""

    id: RuleId
    offering_id: OfferingId
    excludes_offering_id: OfferingId
    description: str = ""

    @property
    def limits_to_one(self) -> bool:
        return self.offering_id == self.excludes_offering_id


class DiscountKind(StrEnum):
    PERCENTAGE = "percentage"
    AMOUNT = "amount"


@dataclass(frozen=True)
class CatalogDiscount:
    """A discount the catalog grants without approval (TMF: an alteration ``ProductOfferingPrice``).

    It applies to every item of ``offering_id`` on charges of ``price_type``; on a bundle it applies
    to the charges of the bundle and all its children (the "bundle discount"). A percentage is of
    the list price; an amount is per unit of the item (times its quantity) and never takes the
    charge below zero."""

    id: DiscountId
    name: str
    offering_id: OfferingId
    price_type: PriceType
    kind: DiscountKind
    percentage: Decimal | None = None
    amount: Money | None = None
    valid_for: TimePeriod = ALWAYS
