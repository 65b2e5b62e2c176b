"""Money: a ``Decimal`` amount with its ISO 4217 currency.

Arithmetic runs in a fixed decimal context owned by this module rather than the caller's
thread-local one, so the same amounts give the same result whatever the caller configured.
Amounts are kept exact while computing; ``rounded()`` (half-up to 2 places) is applied only where a
price is presented or stored, i.e. when pricing writes a line of a breakdown."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, DivisionByZero, InvalidOperation, Overflow

from oms.domain.shared.errors import CurrencyMismatch, InvalidMoney, InvalidPercentage

# Wide precision so intermediate products (price x quantity x percentage) stay exact; rounding to
# cents is a separate, explicit step.
_CONTEXT = Context(prec=34, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow])
_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)
_CURRENCY = re.compile(r"[A-Z]{3}")


def to_decimal(value: Decimal | int | str, what: str) -> Decimal:
    """Convert an exact number to ``Decimal``; floats are refused because they are not exact."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise InvalidMoney(value, what, "amounts must be Decimal, int or a decimal string, never float")
    try:
        result = Decimal(value)
    except InvalidOperation as error:
        raise InvalidMoney(value, what, "not a decimal number") from error
    if not result.is_finite():
        raise InvalidMoney(value, what, "not a finite number")
    return result


def check_percentage(value: Decimal, what: str) -> Decimal:
    """Return ``value`` if it is a ``Decimal`` in [0, 100], else raise ``InvalidPercentage``."""
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0 or value > _HUNDRED:
        raise InvalidPercentage(what, value)
    return value


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal) or not self.amount.is_finite():
            raise InvalidMoney(self.amount, self.currency, "amount must be a finite Decimal")
        if not isinstance(self.currency, str) or not _CURRENCY.fullmatch(self.currency):
            raise InvalidMoney(self.amount, self.currency, "currency must be a 3-letter ISO 4217 code")

    @classmethod
    def of(cls, amount: Decimal | int | str, currency: str) -> Money:
        return cls(to_decimal(amount, currency), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal("0.00"), currency)

    # -- arithmetic (never across currencies) ---------------------------------------------------

    def _same_currency(self, other: Money, operation: str) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot {operation} Money and {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(self.currency, other.currency, operation)

    def __add__(self, other: Money) -> Money:
        self._same_currency(other, "add")
        return Money(_CONTEXT.add(self.amount, other.amount), self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other, "subtract")
        return Money(_CONTEXT.subtract(self.amount, other.amount), self.currency)

    def __neg__(self) -> Money:
        return Money(_CONTEXT.minus(self.amount), self.currency)

    def times(self, factor: Decimal | int) -> Money:
        return Money(_CONTEXT.multiply(self.amount, Decimal(factor)), self.currency)

    def percent(self, percentage: Decimal) -> Money:
        """``percentage`` % of this amount, unrounded."""
        return Money(_CONTEXT.divide(_CONTEXT.multiply(self.amount, percentage), _HUNDRED), self.currency)

    def ratio_to(self, whole: Money) -> Decimal:
        """This amount as a percentage of ``whole`` (0 when ``whole`` is zero), unrounded."""
        self._same_currency(whole, "compare")
        if whole.amount == 0:
            return Decimal(0)
        return _CONTEXT.divide(_CONTEXT.multiply(self.amount, _HUNDRED), whole.amount)

    def rounded(self) -> Money:
        """Half-up to cents: the rounding used wherever a price is presented or stored."""
        return Money(self.amount.quantize(_CENT, rounding=ROUND_HALF_UP, context=_CONTEXT), self.currency)

    # -- comparison -----------------------------------------------------------------------------

    def __lt__(self, other: Money) -> bool:
        self._same_currency(other, "compare")
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same_currency(other, "compare")
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same_currency(other, "compare")
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same_currency(other, "compare")
        return self.amount >= other.amount

    @property
    def is_zero(self) -> bool:
        return self.amount == 0

    @property
    def is_negative(self) -> bool:
        return self.amount < 0

    # -- presentation -----------------------------------------------------------------------------

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def to_dict(self) -> dict[str, str]:
        """TMF ``Money`` shape; the amount is a string so no JSON float ever touches it."""
        return {"value": str(self.amount), "unit": self.currency}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Money:
        return cls.of(data["value"], data["unit"])


def sum_money(amounts: list[Money] | tuple[Money, ...], currency: str) -> Money:
    """Sum in order (deterministic); an empty sum is zero in ``currency``."""
    total = Money.zero(currency)
    for amount in amounts:
        total = total + amount
    return total
