from __future__ import annotations

from decimal import Decimal, localcontext

import pytest

from oms.domain.shared import CurrencyMismatch, InvalidMoney, Money
from oms.domain.shared.money import sum_money


def test_adding_amounts_in_one_currency_keeps_the_currency() -> None:
    # given
    a, b = Money.of("10.10", "EUR"), Money.of("0.95", "EUR")
    # when
    total = a + b
    # then
    assert total == Money.of("11.05", "EUR")


@pytest.mark.parametrize("operation", ["add", "subtract", "compare"])
def test_mixing_currencies_is_refused(operation: str) -> None:
    # given
    eur, usd = Money.of("1", "EUR"), Money.of("1", "USD")
    # when / then
    with pytest.raises(CurrencyMismatch) as raised:
        if operation == "add":
            _ = eur + usd
        elif operation == "subtract":
            _ = eur - usd
        else:
            _ = eur < usd
    assert raised.value.details == {"left": "EUR", "right": "USD", "operation": operation}


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("2.345", "2.35"), ("2.344", "2.34"), ("-2.345", "-2.35"), ("0.005", "0.01"), ("10", "10.00")],
)
def test_rounding_is_half_up_to_cents(amount: str, expected: str) -> None:
    # given
    money = Money.of(amount, "EUR")
    # when
    rounded = money.rounded()
    # then
    assert str(rounded.amount) == expected


def test_arithmetic_ignores_the_callers_decimal_context() -> None:
    # given a caller who lowered the thread's precision
    price = Money.of("1234567.891", "EUR")
    # when
    with localcontext() as context:
        context.prec = 3
        result = price.times(3).rounded()
    # then
    assert result == Money.of("3703703.67", "EUR")


@pytest.mark.parametrize("amount", [1.5, True, "abc", "NaN", "Infinity"])
def test_inexact_or_non_numeric_amounts_are_refused(amount: object) -> None:
    # when / then
    with pytest.raises(InvalidMoney):
        Money.of(amount, "EUR")  # type: ignore[arg-type]


@pytest.mark.parametrize("currency", ["eur", "EURO", "", "E1R"])
def test_currency_must_be_an_iso_code(currency: str) -> None:
    # when / then
    with pytest.raises(InvalidMoney):
        Money(Decimal(1), currency)


def test_percent_is_exact_until_rounded() -> None:
    # given
    base = Money.of("76.99", "EUR")
    # when
    ten_percent = base.percent(Decimal(10))
    # then
    assert ten_percent.amount == Decimal("7.699")
    assert ten_percent.rounded() == Money.of("7.70", "EUR")


def test_money_survives_a_round_trip_through_a_dict_as_a_string() -> None:
    # given
    money = Money.of("29.99", "EUR")
    # when
    data = money.to_dict()
    # then
    assert data == {"value": "29.99", "unit": "EUR"}
    assert Money.from_dict(data) == money


def test_an_empty_sum_is_zero_in_the_given_currency() -> None:
    # when
    total = sum_money([], "CHF")
    # then
    assert total == Money.zero("CHF")
