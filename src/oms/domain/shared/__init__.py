"""Values and rules every part of the domain shares: money, ids, times, actors, errors, events."""

from oms.domain.shared.actors import Actor, ActorKind
from oms.domain.shared.aggregate import AggregateRoot
from oms.domain.shared.errors import (
    CurrencyMismatch,
    DomainError,
    IllegalTransition,
    InvalidMoney,
    InvalidPercentage,
    InvalidTime,
    NotAuthorized,
)
from oms.domain.shared.events import DomainEvent
from oms.domain.shared.ids import (
    ActorId,
    ApprovalCaseId,
    CustomerId,
    DiscountId,
    OfferingId,
    PriceId,
    QuoteId,
    QuoteItemId,
    RuleId,
    SpecificationId,
)
from oms.domain.shared.money import Money, check_percentage
from oms.domain.shared.time import TimePeriod, require_utc

__all__ = [
    "Actor",
    "ActorId",
    "ActorKind",
    "AggregateRoot",
    "ApprovalCaseId",
    "CurrencyMismatch",
    "CustomerId",
    "DiscountId",
    "DomainError",
    "DomainEvent",
    "IllegalTransition",
    "InvalidMoney",
    "InvalidPercentage",
    "InvalidTime",
    "Money",
    "NotAuthorized",
    "OfferingId",
    "PriceId",
    "QuoteId",
    "QuoteItemId",
    "RuleId",
    "SpecificationId",
    "TimePeriod",
    "check_percentage",
    "require_utc",
]
