"""Decomposition: an order's items + a rule set -> the tasks of a fulfillment plan.

Pure and deterministic: task ids derive from order id + item id + task type, dependencies and
parameters from the rules, so decomposing the same order twice gives the same plan, and a
redelivered ``order.fulfillment.decompose`` job can compare instead of planning anew."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from oms.domain.catalog.characteristics import CharacteristicValue
from oms.domain.fulfillment.errors import NoDecompositionRule
from oms.domain.fulfillment.rules import DecompositionItem, DecompositionRule, RuleSet, TaskRule
from oms.domain.fulfillment.tasks import (
    FulfillmentTask,
    TaskId,
    TaskParameters,
    TaskType,
    derive_task_id,
    parameters_of,
)
from oms.domain.shared.ids import OrderId, OrderItemId


@dataclass(frozen=True)
class TaskSpec:
    """A task as planned, before it runs."""

    id: TaskId
    item_id: OrderItemId
    task_type: TaskType
    depends_on: tuple[TaskId, ...] = ()
    parameters: TaskParameters = ()
    compensates: TaskId | None = None

    def new_task(self, order_id: OrderId) -> FulfillmentTask:
        return FulfillmentTask(
            id=self.id,
            order_id=order_id,
            item_id=self.item_id,
            task_type=self.task_type,
            depends_on=self.depends_on,
            parameters=self.parameters,
            compensates=self.compensates,
        )

    @property
    def key(self) -> tuple[OrderItemId, TaskType]:
        return (self.item_id, self.task_type)


def plan_tasks(order_id: OrderId, items: Sequence[DecompositionItem], rules: RuleSet) -> tuple[TaskSpec, ...]:
    """The tasks for ``items``, item by item in the order given, each item's in rule order."""
    item_rules = {item.item_id: _rule(item, rules) for item in items if item.change is not None}
    specs: list[TaskSpec] = []
    for item in items:
        rule = item_rules.get(item.item_id)
        if rule is None:
            continue  # noChange: nothing to fulfil
        for task_rule in rule.tasks:
            specs.append(
                TaskSpec(
                    id=derive_task_id(order_id, item.item_id, task_rule.task_type),
                    item_id=item.item_id,
                    task_type=task_rule.task_type,
                    depends_on=_dependencies(order_id, item, task_rule, items, item_rules),
                    parameters=_parameters(item, task_rule),
                )
            )
    return tuple(specs)


def _rule(item: DecompositionItem, rules: RuleSet) -> DecompositionRule:
    assert item.change is not None
    kind = rules.kind_of(item.offering_id, item.specification_id)
    rule = None if kind is None else rules.rule_for(kind, item.change)
    if rule is None:
        raise NoDecompositionRule(item.item_id, item.offering_id, item.change)
    return rule


def _dependencies(
    order_id: OrderId,
    item: DecompositionItem,
    task_rule: TaskRule,
    items: Sequence[DecompositionItem],
    item_rules: Mapping[OrderItemId, DecompositionRule],
) -> tuple[TaskId, ...]:
    deps = [derive_task_id(order_id, item.item_id, task_type) for task_type in task_rule.after]
    for other_kind, task_type in task_rule.after_other:
        for other in items:
            other_rule = item_rules.get(other.item_id)
            # Only when the other item's own rule makes that task: an item being modified has no
            # reservation to wait for, and an order without a fiber line waits for none.
            if (
                other.item_id != item.item_id
                and other_rule is not None
                and other_rule.kind == other_kind
                and any(t.task_type is task_type for t in other_rule.tasks)
            ):
                deps.append(derive_task_id(order_id, other.item_id, task_type))
    return tuple(dict.fromkeys(deps))


def _parameters(item: DecompositionItem, rule: TaskRule) -> TaskParameters:
    values: dict[str, str] = {}
    names = item.characteristics.keys() if rule.parameters is None else rule.parameters
    for name in names:
        if name in item.characteristics:
            values[name] = _text(item.characteristics[name])
    # "@"-prefixed names cannot clash with characteristic names.
    if rule.with_quantity:
        values["@quantity"] = str(item.quantity)
    if item.product_id is not None:
        values["@productId"] = item.product_id
    if rule.with_price and item.price is not None:
        values["@price.oneTime"] = str(item.price.one_time)
        values["@price.recurringMonthly"] = str(item.price.recurring_monthly)
    return parameters_of(values)


def _text(value: CharacteristicValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
