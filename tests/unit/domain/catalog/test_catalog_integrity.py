"""A catalog refuses to be built when it contradicts itself, naming every problem."""

from __future__ import annotations

from decimal import Decimal

import pytest

from oms.domain.catalog import (
    BundledOffering,
    Catalog,
    CatalogDiscount,
    CharacteristicCondition,
    CharacteristicSpec,
    CompatibilityRule,
    DiscountKind,
    InvalidCatalog,
    LifecycleStatus,
    NumericRange,
    OfferingPrice,
    PriceType,
    ProductOffering,
    ProductSpecification,
    UnknownOffering,
    ValueType,
)
from oms.domain.shared import DiscountId, Money, OfferingId, PriceId, RuleId, SpecificationId

SPEC = ProductSpecification(
    SpecificationId("ps-1"),
    "Spec",
    (CharacteristicSpec("speed", ValueType.INTEGER, required=True, default=100, allowed_values=(100, 200)),),
)


def offering(offering_id: str, **kwargs: object) -> ProductOffering:
    return ProductOffering(OfferingId(offering_id), offering_id, LifecycleStatus.ACTIVE, **kwargs)  # type: ignore[arg-type]


def build(**kwargs: object) -> Catalog:
    return Catalog(version="v1", currency="EUR", **kwargs)  # type: ignore[arg-type]


def problems_of(**kwargs: object) -> list[str]:
    with pytest.raises(InvalidCatalog) as raised:
        build(**kwargs)
    return raised.value.problems


def test_an_offering_must_refer_to_a_known_specification() -> None:
    # when
    problems = problems_of(offerings=(offering("po-a", specification_id=SpecificationId("ps-missing")),))
    # then
    assert problems == ["offering 'po-a' refers to unknown specification 'ps-missing'"]


def test_a_default_outside_the_allowed_values_is_refused() -> None:
    # given
    spec = ProductSpecification(
        SpecificationId("ps-x"),
        "X",
        (CharacteristicSpec("speed", ValueType.INTEGER, default=300, allowed_values=(100,)),),
    )
    # when
    problems = problems_of(specifications=(spec,))
    # then
    assert problems == ["specification 'ps-x' characteristic 'speed' default 300 is not an admitted value"]


def test_a_characteristic_cannot_have_both_allowed_values_and_a_range() -> None:
    # given
    spec = ProductSpecification(
        SpecificationId("ps-x"),
        "X",
        (CharacteristicSpec("n", ValueType.INTEGER, allowed_values=(1,), value_range=NumericRange(Decimal(0))),),
    )
    # when
    problems = problems_of(specifications=(spec,))
    # then
    assert problems == ["specification 'ps-x' characteristic 'n' has both allowed values and a range"]


def test_prices_must_be_in_the_catalog_currency() -> None:
    # given
    price = OfferingPrice(PriceId("p1"), "fee", PriceType.RECURRING, Money.of("5", "USD"))
    # when
    problems = problems_of(offerings=(offering("po-a", prices=(price,)),))
    # then
    assert problems == ["offering 'po-a' price 'p1' is in USD, the catalog in EUR"]


def test_a_characteristic_price_must_depend_on_an_admitted_value() -> None:
    # given
    price = OfferingPrice(
        PriceId("p1"), "tier", PriceType.RECURRING, Money.of("5", "EUR"), CharacteristicCondition("speed", 999)
    )
    # when
    problems = problems_of(
        specifications=(SPEC,), offerings=(offering("po-a", specification_id=SPEC.id, prices=(price,)),)
    )
    # then
    assert problems == ["offering 'po-a' price 'p1' depends on a value 999 never admitted"]


def test_a_bundle_cannot_contain_itself() -> None:
    # given
    a = offering("po-a", bundled=(BundledOffering(OfferingId("po-b")),))
    b = offering("po-b", bundled=(BundledOffering(OfferingId("po-a")),))
    # when
    problems = problems_of(offerings=(a, b))
    # then
    assert "offering 'po-a' contains itself through its bundle children" in problems


def test_rules_and_discounts_must_refer_to_known_offerings() -> None:
    # given
    rule = CompatibilityRule(RuleId("r1"), OfferingId("po-a"), OfferingId("po-ghost"))
    discount = CatalogDiscount(
        DiscountId("d1"), "d", OfferingId("po-ghost"), PriceType.RECURRING, DiscountKind.PERCENTAGE, Decimal(5)
    )
    # when
    problems = problems_of(offerings=(offering("po-a"),), compatibility_rules=(rule,), discounts=(discount,))
    # then
    assert problems == [
        "compatibility rule 'r1' refers to unknown offering 'po-ghost'",
        "discount 'd1' refers to unknown offering 'po-ghost'",
    ]


def test_every_problem_is_reported_at_once() -> None:
    # when
    problems = problems_of(offerings=(offering("po-a"), offering("po-a", specification_id=SpecificationId("ps-z"))))
    # then
    assert len(problems) == 2


def test_looking_up_an_unknown_offering_names_it() -> None:
    # given
    catalog = build(offerings=(offering("po-a"),))
    # when / then
    with pytest.raises(UnknownOffering, match="po-missing"):
        catalog.offering(OfferingId("po-missing"))
