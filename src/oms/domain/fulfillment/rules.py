"""Decomposition rules as data: for a kind of product and a change to it, which tasks, in which
order, with which parameters.

A ``RuleSet`` maps product specifications (or offerings) to a product kind ("fiber-broadband",
"router" …) and holds one ``DecompositionRule`` per (kind, change). It checks itself when built:
dependencies inside a rule point only backwards, and the dependencies across kinds form no cycle,
so every plan decomposed from it is acyclic."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import NewType

from oms.domain.catalog.characteristics import CharacteristicValue
from oms.domain.fulfillment.errors import InvalidRuleSet
from oms.domain.fulfillment.graph import find_cycle
from oms.domain.fulfillment.tasks import TASK_TYPES, TaskType
from oms.domain.pricing.model import ChargeTotals
from oms.domain.shared.ids import OfferingId, OrderItemId, ProductId, SpecificationId

ProductKind = NewType("ProductKind", str)


class ProductChange(StrEnum):
    """What an order item does to the product (TMF622 item action without ``noChange``, which
    needs no fulfillment)."""

    ADD = "add"
    MODIFY = "modify"
    DELETE = "delete"


@dataclass(frozen=True)
class TaskRule:
    """One task of a rule.

    ``after``: task types of the same item that must be done first (only earlier tasks of the rule).
    ``after_other``: tasks of *other* items of the order, by kind and type, that must be done first
    when the order has such items (the TV is provisioned over the fiber line once it exists).
    ``parameters``: which characteristics the task is given (``None``: all of them); a change to
    another characteristic leaves the task as it is when an order is amended.
    ``with_price``: billing tasks get the item's charges."""

    task_type: TaskType
    after: tuple[TaskType, ...] = ()
    after_other: tuple[tuple[ProductKind, TaskType], ...] = ()
    parameters: tuple[str, ...] | None = None
    with_price: bool = False
    with_quantity: bool = True


@dataclass(frozen=True)
class DecompositionRule:
    kind: ProductKind
    change: ProductChange
    tasks: tuple[TaskRule, ...]


@dataclass(frozen=True)
class DecompositionItem:
    """An order item as decomposition sees it (the order package builds these from its items)."""

    item_id: OrderItemId
    change: ProductChange | None  # None: noChange, nothing to fulfil
    offering_id: OfferingId
    specification_id: SpecificationId | None = None
    characteristics: Mapping[str, CharacteristicValue] = field(default_factory=dict, hash=False)
    quantity: int = 1
    price: ChargeTotals | None = None
    product_id: ProductId | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "characteristics", MappingProxyType(dict(sorted(self.characteristics.items()))))


@dataclass(frozen=True)
class RuleSet:
    name: str
    rules: tuple[DecompositionRule, ...]
    kind_by_specification: Mapping[SpecificationId, ProductKind] = field(default_factory=dict, hash=False)
    kind_by_offering: Mapping[OfferingId, ProductKind] = field(default_factory=dict, hash=False)  # wins

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind_by_specification", MappingProxyType(dict(self.kind_by_specification)))
        object.__setattr__(self, "kind_by_offering", MappingProxyType(dict(self.kind_by_offering)))
        problems = rule_set_problems(self)
        if problems:
            raise InvalidRuleSet(self.name, problems)

    def kind_of(self, offering_id: OfferingId, specification_id: SpecificationId | None) -> ProductKind | None:
        if offering_id in self.kind_by_offering:
            return self.kind_by_offering[offering_id]
        if specification_id is None:
            return None
        return self.kind_by_specification.get(specification_id)

    def rule_for(self, kind: ProductKind, change: ProductChange) -> DecompositionRule | None:
        for rule in self.rules:
            if rule.kind == kind and rule.change is change:
                return rule
        return None

    def supports(
        self, offering_id: OfferingId, specification_id: SpecificationId | None, change: ProductChange | None
    ) -> bool:
        """Whether an item can be decomposed (a noChange item always can: it has no tasks)."""
        if change is None:
            return True
        kind = self.kind_of(offering_id, specification_id)
        return kind is not None and self.rule_for(kind, change) is not None


def rule_set_problems(rule_set: RuleSet) -> list[str]:
    problems: list[str] = []
    seen: set[tuple[str, ProductChange]] = set()
    for rule in rule_set.rules:
        key = (rule.kind, rule.change)
        if key in seen:
            problems.append(f"two rules for {rule.kind}/{rule.change}")
        seen.add(key)
        problems.extend(_rule_problems(rule))
    provided = {(rule.kind, task.task_type) for rule in rule_set.rules for task in rule.tasks}
    for rule in rule_set.rules:
        for task in rule.tasks:
            problems.extend(
                f"{rule.kind}/{rule.change} {task.task_type} waits for {kind}/{other}, which no rule makes"
                for kind, other in task.after_other
                if (kind, other) not in provided
            )
    cycle = find_cycle(_kind_graph(rule_set))
    if cycle:
        problems.append("dependencies form a cycle: " + " -> ".join(f"{k}/{t}" for k, t in cycle))
    return problems


def _rule_problems(rule: DecompositionRule) -> list[str]:
    problems: list[str] = []
    earlier: set[TaskType] = set()
    compensations: set[TaskType] = set()
    for task in rule.tasks:
        where = f"{rule.kind}/{rule.change} {task.task_type}"
        if task.task_type in earlier:
            problems.append(f"{where} appears twice (task ids would collide)")
        compensation = TASK_TYPES[task.task_type].compensation
        if compensation is not None and compensation in compensations:
            problems.append(f"{where} is undone by {compensation} like another task of the rule (ids would collide)")
        if compensation is not None:
            compensations.add(compensation)
        # Only backward references: the tasks of one rule are then acyclic by construction.
        problems.extend(
            f"{where} waits for {dep}, not an earlier task of the rule" for dep in task.after if dep not in earlier
        )
        earlier.add(task.task_type)
    return problems


def _kind_graph(rule_set: RuleSet) -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """(kind, task type) -> what it waits for, over every change: coarser than any one plan, so
    no cycle here means no cycle in any plan."""
    graph: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for rule in rule_set.rules:
        for task in rule.tasks:
            deps = graph.setdefault((rule.kind, task.task_type), [])
            deps.extend((rule.kind, dep) for dep in task.after)
            deps.extend((kind, dep) for kind, dep in task.after_other)
    return {node: tuple(deps) for node, deps in graph.items()}
