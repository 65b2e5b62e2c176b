"""Which approval levels a deal needs: discount levels and deal size against data thresholds."""

from __future__ import annotations

from decimal import Decimal

import pytest
from domain_builders import eur

from oms.domain.approval import (
    COMMERCIAL_DIRECTOR,
    DEFAULT_POLICY_DATA,
    SALES_MANAGER,
    ApprovalLevel,
    ApprovalPolicy,
    DealFigures,
    InvalidApprovalPolicy,
    default_policy,
    policy_from_dict,
    policy_to_dict,
)


def figures(item: str = "0", overall: str = "0", deal: str = "1000") -> DealFigures:
    return DealFigures(Decimal(item), Decimal(overall), eur(deal))


@pytest.mark.parametrize(
    ("deal_figures", "roles"),
    [
        (figures(), []),
        (figures(item="10"), []),  # thresholds are strict: exactly 10 % needs nothing
        (figures(item="10.01"), [SALES_MANAGER]),
        (figures(overall="11"), [SALES_MANAGER]),
        (figures(item="25"), [SALES_MANAGER]),
        (figures(deal="50000"), []),
        (figures(deal="50000.01"), [SALES_MANAGER]),
        (figures(deal="250000"), [SALES_MANAGER]),
        (figures(deal="250000.01"), [SALES_MANAGER, COMMERCIAL_DIRECTOR]),
        (figures(overall="26"), [SALES_MANAGER, COMMERCIAL_DIRECTOR]),
    ],
)
def test_default_thresholds_decide_the_levels(deal_figures: DealFigures, roles: list[str]) -> None:
    # when
    requirement = default_policy().evaluate(deal_figures)
    # then
    assert [level.role for level in requirement.levels] == roles
    assert requirement.needed is bool(roles)


def test_discount_above_25_percent_needs_two_levels() -> None:
    # when
    requirement = default_policy().evaluate(figures(item="30"))
    # then
    assert [(level.level, level.role) for level in requirement.levels] == [
        (1, SALES_MANAGER),
        (2, COMMERCIAL_DIRECTOR),
    ]
    assert requirement.levels[1].reasons == ("item discount 30 % above 25 %",)


def test_each_level_says_why_it_is_needed() -> None:
    # when
    (level,) = default_policy().evaluate(figures(item="12", deal="60000")).levels
    # then
    assert level.reasons == ("item discount 12 % above 10 %", "deal size 60000.00 EUR above 50000 EUR")


def test_thresholds_are_data_and_survive_a_round_trip() -> None:
    # given
    data = policy_to_dict(default_policy())
    # when / then
    assert data == DEFAULT_POLICY_DATA
    assert policy_from_dict(data) == default_policy()


def test_a_configured_policy_with_a_third_level_is_honoured() -> None:
    # given
    data = {
        **DEFAULT_POLICY_DATA,
        "levels": [
            *DEFAULT_POLICY_DATA["levels"],
            {"level": 3, "name": "CFO", "role": "cfo", "discountAbovePercent": "40", "dealSizeAbove": "1000000"},
        ],
    }
    # when
    requirement = policy_from_dict(data).evaluate(figures(item="45"))
    # then
    assert [level.role for level in requirement.levels] == [SALES_MANAGER, COMMERCIAL_DIRECTOR, "cfo"]


def test_a_policy_whose_higher_level_has_a_lower_threshold_is_refused() -> None:
    # when / then
    with pytest.raises(InvalidApprovalPolicy, match="level 2 discount threshold"):
        ApprovalPolicy(
            "EUR",
            (
                ApprovalLevel(1, "a", "a", Decimal(20), eur("10")),
                ApprovalLevel(2, "b", "b", Decimal(10), eur("20")),
            ),
        )


def test_levels_must_be_numbered_from_one() -> None:
    # when / then
    with pytest.raises(InvalidApprovalPolicy):
        ApprovalPolicy("EUR", (ApprovalLevel(2, "b", "b", Decimal(10), eur("20")),))
