"""Offerings must be sellable; bundles must hold the right children in the right numbers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from domain_builders import NOW, item

from oms.domain.catalog import Catalog
from oms.domain.catalog.demo import FIBER, FIBER_LEGACY, FIBER_TV_BUNDLE, INSTALLATION, ROUTER_BASIC, STATIC_IP, TV
from oms.domain.configuration import (
    BundleCardinalityViolated,
    DuplicateItemId,
    InvalidQuantity,
    NotABundle,
    OfferingNotSellable,
    UnexpectedBundleChild,
    UnknownOfferingInItem,
    configuration_problems,
)


def test_a_retired_offering_is_not_sellable(catalog: Catalog) -> None:
    # when
    (problem,) = configuration_problems(catalog, [item("i1", FIBER_LEGACY)], NOW)
    # then
    assert isinstance(problem, OfferingNotSellable)
    assert (problem.item_id, problem.offering_id, problem.reason) == ("i1", FIBER_LEGACY, "lifecycle status is retired")


def test_an_offering_is_not_sellable_before_its_validity_starts(catalog: Catalog) -> None:
    # given the demo offerings start on 2025-01-01
    before_launch = datetime(2024, 12, 1, tzinfo=UTC)
    # when
    (problem,) = configuration_problems(catalog, [item("i1", FIBER)], before_launch)
    # then
    assert isinstance(problem, OfferingNotSellable)
    assert problem.reason.startswith("not valid at 2024-12-01")


def test_an_unknown_offering_names_the_item(catalog: Catalog) -> None:
    # when
    (problem,) = configuration_problems(catalog, [item("i1", "po-nope")], NOW)
    # then
    assert isinstance(problem, UnknownOfferingInItem)
    assert problem.details == {"item_id": "i1", "offering_id": "po-nope"}


@pytest.mark.parametrize("quantity", [0, -1, True, "2"])
def test_quantity_must_be_a_positive_integer(catalog: Catalog, quantity: int) -> None:
    # when
    (problem,) = configuration_problems(catalog, [item("i1", INSTALLATION, quantity=quantity)], NOW)
    # then
    assert isinstance(problem, InvalidQuantity)
    assert problem.item_id == "i1"


def test_item_ids_must_be_unique_across_the_whole_quote(catalog: Catalog) -> None:
    # given a child reusing its parent's id
    items = [item("b", FIBER_TV_BUNDLE, children=[item("b", FIBER), item("b-tv", TV)])]
    # when
    problems = configuration_problems(catalog, items, NOW)
    # then
    assert [type(p) for p in problems] == [DuplicateItemId]


def test_a_complete_bundle_is_valid(catalog: Catalog) -> None:
    # given
    items = [item("b", FIBER_TV_BUNDLE, children=[item("b-fiber", FIBER), item("b-tv", TV)])]
    # when / then
    assert configuration_problems(catalog, items, NOW) == ()


def test_a_bundle_missing_a_mandatory_child_names_the_bundle_item_and_child_offering(catalog: Catalog) -> None:
    # given the bundle needs exactly one TV
    items = [item("b", FIBER_TV_BUNDLE, children=[item("b-fiber", FIBER)])]
    # when
    (problem,) = configuration_problems(catalog, items, NOW)
    # then
    assert isinstance(problem, BundleCardinalityViolated)
    assert (problem.item_id, problem.child_offering_id, problem.count) == ("b", TV, 0)


def test_a_bundle_with_too_many_of_a_child_is_refused(catalog: Catalog) -> None:
    # given at most one basic router per bundle
    children = [item("b-fiber", FIBER), item("b-tv", TV), item("b-router", ROUTER_BASIC, quantity=2)]
    # when
    (problem,) = configuration_problems(catalog, [item("b", FIBER_TV_BUNDLE, children=children)], NOW)
    # then
    assert isinstance(problem, BundleCardinalityViolated)
    assert (problem.child_offering_id, problem.count) == (ROUTER_BASIC, 2)


def test_a_child_the_bundle_does_not_hold_is_refused(catalog: Catalog) -> None:
    # given
    children = [item("b-fiber", FIBER), item("b-tv", TV), item("b-ip", STATIC_IP)]
    # when
    (problem,) = configuration_problems(catalog, [item("b", FIBER_TV_BUNDLE, children=children)], NOW)
    # then
    assert isinstance(problem, UnexpectedBundleChild)
    assert problem.details["child_item_id"] == "b-ip"


def test_a_simple_offering_cannot_have_children(catalog: Catalog) -> None:
    # when
    problems = configuration_problems(catalog, [item("i1", FIBER, children=[item("i2", TV)])], NOW)
    # then
    assert isinstance(problems[0], NotABundle)
