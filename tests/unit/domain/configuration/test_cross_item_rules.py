"""Compatibility (requires) and exclusion rules across the items of one quote."""

from __future__ import annotations

from domain_builders import NOW, item

from oms.domain.catalog import Catalog
from oms.domain.catalog.demo import FIBER, FIBER_TV_BUNDLE, ROUTER_BASIC, ROUTER_PREMIUM, STATIC_IP, TV
from oms.domain.configuration import (
    ExcludedCombination,
    InvalidConfiguration,
    MissingRequiredOffering,
    configuration_problems,
    validate_configuration,
)


def test_static_ip_without_broadband_names_the_item_and_the_rule(catalog: Catalog) -> None:
    # when
    (problem,) = configuration_problems(catalog, [item("i-ip", STATIC_IP)], NOW)
    # then
    assert isinstance(problem, MissingRequiredOffering)
    assert (problem.item_id, problem.rule_id) == ("i-ip", "rule-static-ip-requires-fiber")


def test_a_requirement_is_met_by_a_child_of_a_bundle(catalog: Catalog) -> None:
    # given the broadband line sits inside the bundle
    items = [item("b", FIBER_TV_BUNDLE, children=[item("b-fiber", FIBER), item("b-tv", TV)]), item("i-ip", STATIC_IP)]
    # when / then
    assert configuration_problems(catalog, items, NOW) == ()


def test_two_broadband_lines_in_one_quote_are_refused(catalog: Catalog) -> None:
    # when
    (problem,) = configuration_problems(catalog, [item("i1", FIBER), item("i2", FIBER)], NOW)
    # then
    assert isinstance(problem, ExcludedCombination)
    assert (problem.item_id, problem.other_item_id, problem.rule_id) == ("i2", "i1", "rule-one-fiber-line")


def test_one_broadband_item_with_quantity_two_breaks_the_one_line_rule(catalog: Catalog) -> None:
    # when
    (problem,) = configuration_problems(catalog, [item("i1", FIBER, quantity=2)], NOW)
    # then
    assert isinstance(problem, ExcludedCombination)
    assert (problem.item_id, problem.other_item_id) == ("i1", "i1")


def test_basic_router_excludes_premium_router(catalog: Catalog) -> None:
    # when
    problems = configuration_problems(
        catalog, [item("i-fiber", FIBER), item("i-basic", ROUTER_BASIC), item("i-premium", ROUTER_PREMIUM)], NOW
    )
    # then
    (problem,) = problems
    assert isinstance(problem, ExcludedCombination)
    assert (problem.item_id, problem.other_item_id, problem.rule_id) == ("i-basic", "i-premium", "rule-one-router")


def test_validation_collects_every_problem_of_every_item(catalog: Catalog) -> None:
    # given three things wrong in three places
    items = [
        item("i-ip", STATIC_IP, {"addressCount": 20}),
        item("i-tv", TV, {"channelPackage": "sports"}),
    ]
    # when
    try:
        validate_configuration(catalog, items, NOW)
        raise AssertionError("expected InvalidConfiguration")
    except InvalidConfiguration as error:
        problems = error.problems
    # then
    named = {(p.code, p.item_id, p.details.get("characteristic") or p.details.get("rule_id")) for p in problems}
    assert named == {
        ("characteristicOutOfRange", "i-ip", "addressCount"),
        ("invalidCharacteristicValue", "i-tv", "channelPackage"),
        ("missingRequiredOffering", "i-ip", "rule-static-ip-requires-fiber"),
        ("missingRequiredOffering", "i-tv", "rule-tv-requires-fiber"),
    }
