"""A rule set checks itself when built, so every plan decomposed from it is acyclic."""

from __future__ import annotations

import pytest

from oms.domain.fulfillment import (
    DecompositionRule,
    InvalidRuleSet,
    ProductChange,
    ProductKind,
    RuleSet,
    TaskRule,
    TaskType,
    demo_rules,
)

A, B = ProductKind("a"), ProductKind("b")
ADD = ProductChange.ADD
T = TaskType


def _problems(*rules: DecompositionRule) -> list[str]:
    with pytest.raises(InvalidRuleSet) as raised:
        RuleSet("test", rules)
    return raised.value.problems


def test_the_demo_rule_set_is_valid() -> None:
    # when
    rules = demo_rules()
    # then
    assert rules.name == "demo-telecom"


def test_refuses_two_rules_for_the_same_kind_and_change() -> None:
    # when
    problems = _problems(DecompositionRule(A, ADD, ()), DecompositionRule(A, ADD, ()))
    # then
    assert problems == ["two rules for a/add"]


def test_refuses_a_task_waiting_for_a_later_task_of_its_rule() -> None:
    # when
    problems = _problems(
        DecompositionRule(
            A, ADD, (TaskRule(T.PROVISION_SERVICE, after=(T.RESERVE_RESOURCE,)), TaskRule(T.RESERVE_RESOURCE))
        )
    )
    # then
    assert problems == ["a/add provision-service waits for reserve-resource, not an earlier task of the rule"]


def test_refuses_the_same_task_type_twice_in_a_rule() -> None:
    # when
    problems = _problems(DecompositionRule(A, ADD, (TaskRule(T.RESERVE_RESOURCE), TaskRule(T.RESERVE_RESOURCE))))
    # then
    assert any("appears twice" in problem for problem in problems)


def test_refuses_two_tasks_undone_by_the_same_compensation() -> None:
    # given: two billing activations in one rule would also share the id of their compensation
    rule = DecompositionRule(A, ADD, (TaskRule(T.ACTIVATE_BILLING), TaskRule(T.ACTIVATE_BILLING)))
    # when
    problems = _problems(rule)
    # then
    assert any("undone by deactivate-billing" in problem for problem in problems)


def test_refuses_waiting_for_a_task_no_rule_makes() -> None:
    # when
    problems = _problems(DecompositionRule(A, ADD, (TaskRule(T.PROVISION_SERVICE, after_other=((B, T.SHIP_DEVICE),)),)))
    # then
    assert problems == ["a/add provision-service waits for b/ship-device, which no rule makes"]


def test_refuses_dependencies_that_form_a_cycle_across_kinds() -> None:
    # when
    problems = _problems(
        DecompositionRule(A, ADD, (TaskRule(T.PROVISION_SERVICE, after_other=((B, T.PROVISION_SERVICE),)),)),
        DecompositionRule(B, ADD, (TaskRule(T.PROVISION_SERVICE, after_other=((A, T.PROVISION_SERVICE),)),)),
    )
    # then
    assert len(problems) == 1 and problems[0].startswith("dependencies form a cycle")


def test_kind_by_offering_wins_over_kind_by_specification() -> None:
    # given
    rules = demo_rules()
    # then
    from oms.domain.catalog.demo import FIBER_TV_BUNDLE
    from oms.domain.shared.ids import SpecificationId

    assert rules.kind_of(FIBER_TV_BUNDLE, SpecificationId("ps-fiber")) == "bundle"
