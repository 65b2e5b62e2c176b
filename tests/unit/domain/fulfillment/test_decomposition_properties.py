"""Properties of decomposition and compensation, over random orders (and random rule sets)."""

from __future__ import annotations

from itertools import permutations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_builders import NOW, ORDER, RULES, SPECS, ditem, new_plan, service

from oms.domain.catalog.characteristics import CharacteristicValue
from oms.domain.catalog.demo import FIBER, FIBER_TV_BUNDLE, INSTALLATION, ROUTER_BASIC, STATIC_IP, TV
from oms.domain.fulfillment import (
    DecompositionItem,
    DecompositionRule,
    DependenciesNotDone,
    FulfillmentPlan,
    InvalidRuleSet,
    ProductChange,
    ProductKind,
    RuleSet,
    TaskRule,
    TaskState,
    TaskType,
    compensation_specs,
    fulfillment_plan_id,
    plan_tasks,
    tasks_to_compensate,
)
from oms.domain.fulfillment.graph import ancestors, find_cycle, topological_order
from oms.domain.shared.ids import OfferingId, OrderItemId, SpecificationId

# database=None: no example database written into the source tree; max_examples keeps the folder fast.
FAST = settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

CHANGES: dict[OfferingId, list[ProductChange | None]] = {
    FIBER: [ProductChange.ADD, ProductChange.MODIFY, ProductChange.DELETE, None],
    STATIC_IP: [ProductChange.ADD, ProductChange.MODIFY, ProductChange.DELETE, None],
    ROUTER_BASIC: [ProductChange.ADD, ProductChange.MODIFY, ProductChange.DELETE, None],
    TV: [ProductChange.ADD, ProductChange.MODIFY, ProductChange.DELETE, None],
    INSTALLATION: [ProductChange.ADD, None],
    FIBER_TV_BUNDLE: [ProductChange.ADD, ProductChange.MODIFY, ProductChange.DELETE, None],
}
VALUES: dict[str, list[CharacteristicValue]] = {
    "downloadSpeed": [300, 500, 1000],
    "technology": ["GPON", "XGS-PON"],
    "channelPackage": ["basic", "premium"],
    "acquisition": ["rent", "buy"],
    "addressCount": [1, 4],
}


@st.composite
def items(draw: st.DrawFn, max_size: int = 7) -> list[DecompositionItem]:
    count = draw(st.integers(1, max_size))
    result = []
    for index in range(count):
        offering = draw(st.sampled_from(sorted(CHANGES)))
        change = draw(st.sampled_from(CHANGES[offering]))
        characteristics = {
            name: draw(st.sampled_from(values)) for name, values in VALUES.items() if draw(st.booleans())
        }
        product = None if change is ProductChange.ADD else f"p{index}"
        monthly = draw(st.sampled_from(["0.00", "9.99", "29.99"]))
        result.append(
            ditem(
                str(index),
                offering,
                change,
                characteristics,
                quantity=draw(st.integers(1, 3)),
                product_id=product,
                monthly=monthly,
            )
        )
    return result


def _graph(plan: FulfillmentPlan) -> dict[str, tuple[str, ...]]:
    return {task.id: task.depends_on for task in plan.tasks}


@FAST
@given(items())
def test_decomposing_twice_gives_the_same_plan(order_items: list[DecompositionItem]) -> None:
    # when
    first, second = new_plan(order_items), new_plan(order_items)
    # then
    assert first.tasks == second.tasks
    assert plan_tasks(ORDER, order_items, RULES) == plan_tasks(ORDER, order_items, RULES)


@FAST
@given(items(max_size=4))
def test_task_ids_and_dependencies_do_not_depend_on_the_item_order(order_items: list[DecompositionItem]) -> None:
    # given
    def shape(its: tuple[DecompositionItem, ...]) -> set[tuple[str, frozenset[str], tuple[tuple[str, str], ...]]]:
        return {(s.id, frozenset(s.depends_on), s.parameters) for s in plan_tasks(ORDER, its, RULES)}

    # when
    shapes = [shape(p) for p in permutations(order_items)]
    # then
    assert all(s == shapes[0] for s in shapes)


@FAST
@given(items())
def test_every_dependency_exists_ids_are_unique_and_the_graph_is_acyclic(order_items: list[DecompositionItem]) -> None:
    # when
    specs = plan_tasks(ORDER, order_items, RULES)
    # then
    ids = [spec.id for spec in specs]
    assert len(ids) == len(set(ids))
    assert all(dep in set(ids) for spec in specs for dep in spec.depends_on)
    graph = {spec.id: spec.depends_on for spec in specs}
    assert find_cycle(graph) == ()
    order = topological_order(graph)
    assert all(order.index(dep) < order.index(spec.id) for spec in specs for dep in spec.depends_on)


@FAST
@given(items(), st.data())
def test_random_execution_never_starts_a_task_before_its_dependencies(
    order_items: list[DecompositionItem], data: st.DataObject
) -> None:
    # given
    plan = new_plan(order_items)
    for _ in range(3 * len(plan.tasks)):
        if not plan.tasks:
            break
        task = data.draw(st.sampled_from(plan.tasks))
        # when: a worker tries to run it, or an operator skips it
        if task.state is TaskState.PENDING:
            try:
                if data.draw(st.integers(0, 4)) == 0:
                    plan.skip_task(service(), task.id, reason="r", now=NOW)
                else:
                    plan.start_task(service(), task.id, now=NOW)
            except DependenciesNotDone:
                assert plan.task(task.id).state is TaskState.PENDING
        elif task.state is TaskState.IN_PROGRESS:
            plan.complete_task(service(), task.id, external_reference=None, now=NOW)
        # then: whatever started has all its dependencies done
        for started in plan.tasks:
            if started.state in (TaskState.IN_PROGRESS, TaskState.COMPLETED):
                assert all(plan.task(dep).state.is_done for dep in started.depends_on)


@FAST
@given(items(), st.data())
def test_compensation_undoes_what_took_effect_in_reverse_topological_order(
    order_items: list[DecompositionItem], data: st.DataObject
) -> None:
    # given: some tasks done, some in flight, in a random valid execution
    plan = new_plan(order_items)
    for _ in range(data.draw(st.integers(0, 2 * len(plan.tasks) + 1))):
        ready = plan.ready_tasks()
        if not ready:
            break
        task = data.draw(st.sampled_from(ready))
        plan.start_task(service(), task.id, now=NOW)
        plan.record_external_request(service(), task.id, now=NOW)
        if data.draw(st.booleans()):
            plan.complete_task(service(), task.id, external_reference=None, now=NOW)
    to_undo = [task for task in tasks_to_compensate(plan.tasks) if not task.is_irreversible]
    # when
    specs = compensation_specs(plan.tasks, to_undo, scope="c1")
    # then: one compensation per undone task, and nothing else
    assert sorted(spec.compensates or "" for spec in specs) == sorted(task.id for task in to_undo)
    assert {task.id for task in to_undo} == {
        t.id for t in plan.tasks if (t.state is TaskState.COMPLETED or t.in_flight) and not t.is_irreversible
    }
    # then: the list and the dependencies reverse the forward order
    graph = _graph(plan)
    position = {spec.compensates: index for index, spec in enumerate(specs)}
    comp_graph = {spec.id: spec.depends_on for spec in specs}
    comp_of = {spec.compensates: spec.id for spec in specs}
    for x in to_undo:
        for y in to_undo:
            if x.id in ancestors(graph, y.id):  # y waited for x
                assert position[y.id] < position[x.id]
                assert comp_of[y.id] in ancestors(comp_graph, comp_of[x.id])
    assert find_cycle(comp_graph) == ()


KINDS = [ProductKind("a"), ProductKind("b"), ProductKind("c")]
TYPES = [TaskType.RESERVE_RESOURCE, TaskType.PROVISION_SERVICE, TaskType.ACTIVATE_BILLING, TaskType.SHIP_DEVICE]


@st.composite
def rule_sets(draw: st.DrawFn) -> RuleSet | None:
    types_of = {kind: draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=4, unique=True)) for kind in KINDS}
    rules = []
    for kind, types in types_of.items():
        task_rules = []
        for index, task_type in enumerate(types):
            after = tuple(t for t in types[:index] if draw(st.booleans()))
            after_other = tuple(
                (other, t) for other in KINDS if other != kind for t in types_of[other] if draw(st.integers(0, 4)) == 0
            )
            task_rules.append(TaskRule(task_type, after=after, after_other=after_other))
        rules.append(DecompositionRule(kind, ProductChange.ADD, tuple(task_rules)))
    specs = {SpecificationId(kind): kind for kind in KINDS}
    try:
        return RuleSet("random", tuple(rules), specs)
    except InvalidRuleSet:
        return None  # a cycle across kinds, or a wait for a task no rule makes: refused up front


@FAST
@given(rule_sets(), st.lists(st.sampled_from(KINDS), min_size=1, max_size=6))
def test_any_valid_rule_set_gives_acyclic_plans_whose_dependencies_exist(
    rules: RuleSet | None, kinds: list[ProductKind]
) -> None:
    # given
    order_items = [
        DecompositionItem(OrderItemId(str(i)), ProductChange.ADD, OfferingId("x"), SpecificationId(kind))
        for i, kind in enumerate(kinds)
    ]
    if rules is None:
        return
    # when: the plan checks its own graph when built
    plan = FulfillmentPlan.create(
        service(),
        plan_id=fulfillment_plan_id(ORDER),
        order_id=ORDER,
        specs=plan_tasks(ORDER, order_items, rules),
        now=NOW,
    )
    # then
    assert find_cycle(_graph(plan)) == ()
    assert len(plan.topological_order()) == len(plan.tasks)


def test_specifications_of_the_demo_catalog_all_have_rules() -> None:
    # then
    assert all(RULES.supports(offering, spec, ProductChange.ADD) for offering, spec in SPECS.items())
