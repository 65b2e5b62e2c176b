"""Product offerings (TMF620 ``ProductOffering``), their prices (``ProductOfferingPrice``) and
bundle options (``BundledProductOffering`` with ``BundledProductOfferingOption``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from oms.domain.catalog.characteristics import CharacteristicValue
from oms.domain.catalog.lifecycle import LifecycleStatus
from oms.domain.shared.ids import OfferingId, PriceId, SpecificationId
from oms.domain.shared.money import Money
from oms.domain.shared.time import ALWAYS, TimePeriod


class PriceType(StrEnum):
    """TMF ``priceType``. Every recurring charge is monthly (TMF ``recurringChargePeriodType``
    "month", length 1); other periods are not sold, so they are not modelled."""

    ONE_TIME = "oneTime"
    RECURRING = "recurring"


@dataclass(frozen=True)
class CharacteristicCondition:
    """The price applies only when the item's characteristic has this value (TMF
    ``prodSpecCharValueUse`` on a price), e.g. downloadSpeed = 1000 adds 20.00/month."""

    characteristic: str
    value: CharacteristicValue

    def matches(self, values: dict[str, CharacteristicValue]) -> bool:
        return self.characteristic in values and values[self.characteristic] == self.value


@dataclass(frozen=True)
class OfferingPrice:
    id: PriceId
    name: str
    price_type: PriceType
    amount: Money
    condition: CharacteristicCondition | None = None
    valid_for: TimePeriod = ALWAYS


@dataclass(frozen=True)
class BundledOffering:
    """A child offering of a bundle with how many of it one bundle holds (TMF
    ``numberRelOfferLowerLimit`` / ``UpperLimit`` / ``Default``)."""

    offering_id: OfferingId
    min_quantity: int = 1
    max_quantity: int = 1
    default_quantity: int = 1


@dataclass(frozen=True)
class ProductOffering:
    id: OfferingId
    name: str
    lifecycle_status: LifecycleStatus
    specification_id: SpecificationId | None = None
    prices: tuple[OfferingPrice, ...] = ()
    bundled: tuple[BundledOffering, ...] = ()
    # TMF ``isSellable``: False means "only as a child of a bundle".
    sellable_standalone: bool = True
    valid_for: TimePeriod = ALWAYS
    version: str = "1"
    description: str = ""

    @property
    def is_bundle(self) -> bool:
        return bool(self.bundled)

    def is_sellable_at(self, at: datetime) -> bool:
        return self.lifecycle_status.is_sellable and self.valid_for.contains(at)

    def bundle_option(self, child_offering_id: OfferingId) -> BundledOffering | None:
        for option in self.bundled:
            if option.offering_id == child_offering_id:
                return option
        return None

    def prices_at(self, at: datetime) -> tuple[OfferingPrice, ...]:
        return tuple(price for price in self.prices if price.valid_for.contains(at))
