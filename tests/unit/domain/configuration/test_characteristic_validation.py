"""Each characteristic problem names the item and the characteristic."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from domain_builders import NOW, item

from oms.domain.catalog import (
    Catalog,
    CharacteristicSpec,
    LifecycleStatus,
    NumericRange,
    ProductOffering,
    ProductSpecification,
    ValueType,
)
from oms.domain.catalog.demo import FIBER, STATIC_IP
from oms.domain.configuration import (
    CharacteristicOutOfRange,
    InvalidCharacteristicValue,
    MissingRequiredCharacteristic,
    UnknownCharacteristic,
    WrongCharacteristicType,
    apply_defaults,
    configuration_problems,
)
from oms.domain.shared import OfferingId, SpecificationId

SITE = ProductSpecification(
    SpecificationId("ps-site"),
    "Site",
    (
        CharacteristicSpec("siteId", ValueType.STRING, required=True),
        CharacteristicSpec("bandwidth", ValueType.DECIMAL, value_range=NumericRange(Decimal("0.5"), Decimal(10))),
    ),
)
SITE_CATALOG = Catalog(
    version="t1",
    currency="EUR",
    specifications=(SITE,),
    offerings=(ProductOffering(OfferingId("po-site"), "Site", LifecycleStatus.ACTIVE, SITE.id),),
)


def test_missing_required_characteristic_names_item_and_characteristic() -> None:
    # given
    items = [item("item-7", "po-site")]
    # when
    problems = configuration_problems(SITE_CATALOG, items, NOW)
    # then
    assert len(problems) == 1
    problem = problems[0]
    assert isinstance(problem, MissingRequiredCharacteristic)
    assert (problem.item_id, problem.characteristic) == ("item-7", "siteId")
    assert "item-7" in problem.message and "siteId" in problem.message


def test_a_required_characteristic_with_a_default_is_satisfied_by_the_default(catalog: Catalog) -> None:
    # given fiber's downloadSpeed is required with default 300
    items = [item("i1", FIBER)]
    # when
    problems = configuration_problems(catalog, items, NOW)
    # then
    assert problems == ()


def test_defaults_are_filled_in_for_every_characteristic_left_out(catalog: Catalog) -> None:
    # given
    configured = item("i1", FIBER, {"downloadSpeed": 500})
    # when
    resolved = apply_defaults(catalog, configured)
    # then
    assert dict(resolved.characteristics) == {"downloadSpeed": 500, "ipv6": True, "technology": "GPON"}


def test_a_value_outside_the_allowed_values_names_item_characteristic_value_and_allowed(catalog: Catalog) -> None:
    # given
    items = [item("i1", FIBER, {"downloadSpeed": 750})]
    # when
    (problem,) = configuration_problems(catalog, items, NOW)
    # then
    assert isinstance(problem, InvalidCharacteristicValue)
    assert problem.details == {
        "item_id": "i1",
        "characteristic": "downloadSpeed",
        "value": 750,
        "allowed": [300, 500, 1000],
    }


@pytest.mark.parametrize("count", [0, 9])
def test_a_value_outside_the_range_is_refused(catalog: Catalog, count: int) -> None:
    # given the static IP allows 1..8 addresses
    items = [item("i-fiber", FIBER), item("i-ip", STATIC_IP, {"addressCount": count})]
    # when
    (problem,) = configuration_problems(catalog, items, NOW)
    # then
    assert isinstance(problem, CharacteristicOutOfRange)
    assert (problem.item_id, problem.characteristic, problem.value) == ("i-ip", "addressCount", count)


@pytest.mark.parametrize(
    ("characteristics", "expected"),
    [
        ({"siteId": 42}, ("siteId", "string")),
        ({"siteId": "s1", "bandwidth": 2.5}, ("bandwidth", "decimal")),
        ({"siteId": "s1", "bandwidth": True}, ("bandwidth", "decimal")),
    ],
)
def test_a_value_of_the_wrong_type_is_refused(characteristics: dict[str, object], expected: tuple[str, str]) -> None:
    # given
    items = [item("i1", "po-site", characteristics)]  # type: ignore[arg-type]
    # when
    (problem,) = configuration_problems(SITE_CATALOG, items, NOW)
    # then
    assert isinstance(problem, WrongCharacteristicType)
    assert (problem.characteristic, problem.expected) == expected


def test_decimal_ranges_accept_exact_decimals_and_integers() -> None:
    # given
    items = [
        item("i1", "po-site", {"siteId": "s1", "bandwidth": Decimal("0.5")}),
        item("i2", "po-site", {"siteId": "s2", "bandwidth": 10}),
    ]
    # when
    problems = configuration_problems(SITE_CATALOG, items, datetime(2025, 1, 1, tzinfo=UTC))
    # then
    assert problems == ()


def test_a_characteristic_the_offering_does_not_have_is_named(catalog: Catalog) -> None:
    # given
    items = [item("i1", FIBER, {"colour": "blue"})]
    # when
    (problem,) = configuration_problems(catalog, items, NOW)
    # then
    assert isinstance(problem, UnknownCharacteristic)
    assert (problem.item_id, problem.characteristic) == ("i1", "colour")
