"""Configuration problems. Validation collects all of them; each names the item and the
characteristic or rule concerned. ``InvalidConfiguration`` carries the whole list."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from oms.domain.shared.errors import DomainError


def _plain(value: object) -> object:
    """Keep ``details`` JSON-ready: decimals as strings, anything exotic as its repr."""
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, str | int | bool):
        return value
    return repr(value)


class ConfigurationProblem(DomainError):
    def __init__(self, message: str, item_id: str, **details: object) -> None:
        super().__init__(f"item {item_id!r}: {message}", item_id=item_id, **details)
        self.item_id = item_id


class UnknownOfferingInItem(ConfigurationProblem):
    code = "unknownOffering"

    def __init__(self, item_id: str, offering_id: str) -> None:
        super().__init__(f"offering {offering_id!r} is not in the catalog", item_id, offering_id=offering_id)
        self.offering_id = offering_id


class OfferingNotSellable(ConfigurationProblem):
    code = "offeringNotSellable"

    def __init__(self, item_id: str, offering_id: str, reason: str) -> None:
        super().__init__(
            f"offering {offering_id!r} cannot be sold: {reason}", item_id, offering_id=offering_id, reason=reason
        )
        self.offering_id = offering_id
        self.reason = reason


class InvalidQuantity(ConfigurationProblem):
    code = "invalidQuantity"

    def __init__(self, item_id: str, quantity: object) -> None:
        super().__init__(f"quantity {quantity!r} is not a positive integer", item_id, quantity=_plain(quantity))


class DuplicateItemId(ConfigurationProblem):
    code = "duplicateItemId"

    def __init__(self, item_id: str) -> None:
        super().__init__("the item id is used more than once in the quote", item_id)


class MissingRequiredCharacteristic(ConfigurationProblem):
    code = "missingRequiredCharacteristic"

    def __init__(self, item_id: str, characteristic: str) -> None:
        super().__init__(
            f"required characteristic {characteristic!r} has no value and no default",
            item_id,
            characteristic=characteristic,
        )
        self.characteristic = characteristic


class UnknownCharacteristic(ConfigurationProblem):
    code = "unknownCharacteristic"

    def __init__(self, item_id: str, characteristic: str, offering_id: str) -> None:
        super().__init__(
            f"characteristic {characteristic!r} does not exist on offering {offering_id!r}",
            item_id,
            characteristic=characteristic,
            offering_id=offering_id,
        )
        self.characteristic = characteristic


class WrongCharacteristicType(ConfigurationProblem):
    code = "wrongCharacteristicType"

    def __init__(self, item_id: str, characteristic: str, value: object, expected: str) -> None:
        super().__init__(
            f"characteristic {characteristic!r} value {value!r} is not a {expected}",
            item_id,
            characteristic=characteristic,
            value=_plain(value),
            expected=expected,
        )
        self.characteristic = characteristic
        self.value = value
        self.expected = expected


class InvalidCharacteristicValue(ConfigurationProblem):
    code = "invalidCharacteristicValue"

    def __init__(self, item_id: str, characteristic: str, value: object, allowed: Sequence[object]) -> None:
        super().__init__(
            f"characteristic {characteristic!r} value {value!r} is not one of {list(allowed)!r}",
            item_id,
            characteristic=characteristic,
            value=_plain(value),
            allowed=[_plain(v) for v in allowed],
        )
        self.characteristic = characteristic
        self.value = value
        self.allowed = tuple(allowed)


class CharacteristicOutOfRange(ConfigurationProblem):
    code = "characteristicOutOfRange"

    def __init__(self, item_id: str, characteristic: str, value: object, minimum: object, maximum: object) -> None:
        super().__init__(
            f"characteristic {characteristic!r} value {value!r} is outside [{minimum}, {maximum}]",
            item_id,
            characteristic=characteristic,
            value=_plain(value),
            minimum=_plain(minimum),
            maximum=_plain(maximum),
        )
        self.characteristic = characteristic
        self.value = value


class NotABundle(ConfigurationProblem):
    code = "notABundle"

    def __init__(self, item_id: str, offering_id: str) -> None:
        super().__init__(
            f"offering {offering_id!r} is not a bundle but the item has child items", item_id, offering_id=offering_id
        )


class UnexpectedBundleChild(ConfigurationProblem):
    code = "unexpectedBundleChild"

    def __init__(self, item_id: str, child_item_id: str, child_offering_id: str) -> None:
        super().__init__(
            f"child item {child_item_id!r} offers {child_offering_id!r}, which the bundle does not hold",
            item_id,
            child_item_id=child_item_id,
            child_offering_id=child_offering_id,
        )


class BundleCardinalityViolated(ConfigurationProblem):
    code = "bundleCardinalityViolated"

    def __init__(self, item_id: str, child_offering_id: str, count: int, minimum: int, maximum: int) -> None:
        super().__init__(
            f"bundle holds {count} of {child_offering_id!r}, allowed {minimum}..{maximum}",
            item_id,
            child_offering_id=child_offering_id,
            count=count,
            minimum=minimum,
            maximum=maximum,
        )
        self.child_offering_id = child_offering_id
        self.count = count


class MissingRequiredOffering(ConfigurationProblem):
    code = "missingRequiredOffering"

    def __init__(self, item_id: str, offering_id: str, requires_offering_id: str, rule_id: str) -> None:
        super().__init__(
            f"offering {offering_id!r} requires {requires_offering_id!r} in the quote (rule {rule_id!r})",
            item_id,
            offering_id=offering_id,
            requires_offering_id=requires_offering_id,
            rule_id=rule_id,
        )
        self.rule_id = rule_id


class ExcludedCombination(ConfigurationProblem):
    code = "excludedCombination"

    def __init__(
        self, item_id: str, offering_id: str, other_item_id: str, other_offering_id: str, rule_id: str
    ) -> None:
        super().__init__(
            f"offering {offering_id!r} cannot be quoted with {other_offering_id!r} of item {other_item_id!r}"
            f" (rule {rule_id!r})",
            item_id,
            offering_id=offering_id,
            other_item_id=other_item_id,
            other_offering_id=other_offering_id,
            rule_id=rule_id,
        )
        self.other_item_id = other_item_id
        self.rule_id = rule_id


class InvalidConfiguration(DomainError):
    """Raised with every problem found, never just the first."""

    code = "invalidConfiguration"

    def __init__(self, problems: Sequence[ConfigurationProblem]) -> None:
        super().__init__(
            f"{len(problems)} configuration problem(s): " + "; ".join(p.message for p in problems),
            problems=[p.to_dict() for p in problems],
        )
        self.problems = tuple(problems)
