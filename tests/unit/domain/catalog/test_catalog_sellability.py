"""Only active (or launched) offerings, inside their validity period, can be sold."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from oms.domain.catalog import LifecycleStatus, ProductOffering, ValueType
from oms.domain.shared import OfferingId, TimePeriod

START = datetime(2025, 1, 1, tzinfo=UTC)
END = datetime(2026, 1, 1, tzinfo=UTC)
INSIDE = datetime(2025, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "sellable"),
    [
        (LifecycleStatus.IN_STUDY, False),
        (LifecycleStatus.IN_DESIGN, False),
        (LifecycleStatus.IN_TEST, False),
        (LifecycleStatus.ACTIVE, True),
        (LifecycleStatus.LAUNCHED, True),
        (LifecycleStatus.RETIRED, False),
        (LifecycleStatus.OBSOLETE, False),
        (LifecycleStatus.REJECTED, False),
    ],
)
def test_only_active_or_launched_offerings_are_sellable(status: LifecycleStatus, sellable: bool) -> None:
    # given
    offering = ProductOffering(OfferingId("po"), "po", status, valid_for=TimePeriod(START, END))
    # when / then
    assert offering.is_sellable_at(INSIDE) is sellable


@pytest.mark.parametrize(
    ("at", "sellable"),
    [(datetime(2024, 12, 31, 23, 59, tzinfo=UTC), False), (START, True), (INSIDE, True), (END, False)],
)
def test_an_active_offering_is_sellable_only_within_its_validity(at: datetime, sellable: bool) -> None:
    # given
    offering = ProductOffering(OfferingId("po"), "po", LifecycleStatus.ACTIVE, valid_for=TimePeriod(START, END))
    # when / then
    assert offering.is_sellable_at(at) is sellable


@pytest.mark.parametrize(
    ("value_type", "value", "accepted"),
    [
        (ValueType.INTEGER, 5, True),
        (ValueType.INTEGER, True, False),
        (ValueType.INTEGER, "5", False),
        (ValueType.DECIMAL, 5, True),
        (ValueType.DECIMAL, 5.0, False),
        (ValueType.BOOLEAN, False, True),
        (ValueType.BOOLEAN, 0, False),
        (ValueType.STRING, "x", True),
    ],
)
def test_value_types_are_strict(value_type: ValueType, value: object, accepted: bool) -> None:
    # when / then
    assert value_type.accepts(value) is accepted
