"""The approval policy: from the manual discounts and the deal size, which approval levels a quote
needs and which role approves each. Thresholds are data (``policy_from_dict``), not code.

A level is needed when a discount (the largest on any item, or the overall one) or the deal size
is strictly above its threshold. Levels are hierarchical: needing level 2 means needing level 1
too, decided in order (level 1 first)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from oms.domain.approval.errors import InvalidApprovalPolicy
from oms.domain.approval.figures import DealFigures
from oms.domain.shared.money import Money


@dataclass(frozen=True)
class ApprovalLevel:
    level: int
    name: str
    role: str
    discount_above_percent: Decimal
    deal_size_above: Money

    def reasons(self, figures: DealFigures) -> tuple[str, ...]:
        reasons = []
        threshold = _pct(self.discount_above_percent)
        if figures.max_item_discount_percent > self.discount_above_percent:
            reasons.append(f"item discount {_pct(figures.max_item_discount_percent)} % above {threshold} %")
        if figures.overall_discount_percent > self.discount_above_percent:
            reasons.append(f"overall discount {_pct(figures.overall_discount_percent)} % above {threshold} %")
        if figures.deal_size > self.deal_size_above:
            reasons.append(f"deal size {figures.deal_size.rounded()} above {self.deal_size_above}")
        return tuple(reasons)


def _pct(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')).normalize():f}"


@dataclass(frozen=True)
class RequiredLevel:
    level: int
    name: str
    role: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ApprovalRequirement:
    figures: DealFigures
    levels: tuple[RequiredLevel, ...] = ()

    @property
    def needed(self) -> bool:
        return bool(self.levels)


@dataclass(frozen=True)
class ApprovalPolicy:
    currency: str
    levels: tuple[ApprovalLevel, ...]

    def __post_init__(self) -> None:
        numbers = [level.level for level in self.levels]
        if numbers != list(range(1, len(numbers) + 1)):
            raise InvalidApprovalPolicy(f"levels must be numbered 1, 2, ... in order, got {numbers}")
        for lower, higher in zip(self.levels, self.levels[1:], strict=False):
            # A higher level with a lower threshold would be needed without the levels below it.
            if higher.discount_above_percent < lower.discount_above_percent:
                raise InvalidApprovalPolicy(f"level {higher.level} discount threshold is below level {lower.level}'s")
            if higher.deal_size_above < lower.deal_size_above:
                raise InvalidApprovalPolicy(f"level {higher.level} deal size threshold is below level {lower.level}'s")
        for level in self.levels:
            if level.deal_size_above.currency != self.currency:
                raise InvalidApprovalPolicy(f"level {level.level} threshold is not in {self.currency}")

    def evaluate(self, figures: DealFigures) -> ApprovalRequirement:
        highest = 0
        for level in self.levels:
            if level.reasons(figures):
                highest = level.level
        required = tuple(
            RequiredLevel(level.level, level.name, level.role, level.reasons(figures))
            for level in self.levels
            if level.level <= highest
        )
        return ApprovalRequirement(figures, required)

    def level_above(self, level: int) -> ApprovalLevel | None:
        return next((candidate for candidate in self.levels if candidate.level == level + 1), None)


def policy_to_dict(policy: ApprovalPolicy) -> dict[str, Any]:
    return {
        "currency": policy.currency,
        "levels": [
            {
                "level": level.level,
                "name": level.name,
                "role": level.role,
                "discountAbovePercent": str(level.discount_above_percent),
                "dealSizeAbove": str(level.deal_size_above.amount),
            }
            for level in policy.levels
        ],
    }


def policy_from_dict(data: dict[str, Any]) -> ApprovalPolicy:
    currency = data["currency"]
    return ApprovalPolicy(
        currency=currency,
        levels=tuple(
            ApprovalLevel(
                level=raw["level"],
                name=raw["name"],
                role=raw["role"],
                discount_above_percent=Decimal(raw["discountAbovePercent"]),
                deal_size_above=Money.of(raw["dealSizeAbove"], currency),
            )
            for raw in data["levels"]
        ),
    )


SALES_MANAGER = "sales_manager"
COMMERCIAL_DIRECTOR = "commercial_director"

DEFAULT_POLICY_DATA: dict[str, Any] = {
    "currency": "EUR",
    "levels": [
        {
            "level": 1,
            "name": "Sales manager",
            "role": SALES_MANAGER,
            "discountAbovePercent": "10",
            "dealSizeAbove": "50000",
        },
        {
            "level": 2,
            "name": "Commercial director",
            "role": COMMERCIAL_DIRECTOR,
            "discountAbovePercent": "25",
            "dealSizeAbove": "250000",
        },
    ],
}


def default_policy() -> ApprovalPolicy:
    return policy_from_dict(DEFAULT_POLICY_DATA)
