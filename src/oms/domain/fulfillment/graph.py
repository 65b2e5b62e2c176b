"""Small, deterministic graph helpers over "node -> the nodes it waits for" mappings.

Ties are always broken by the mapping's own order, so the same graph gives the same answer."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

N = TypeVar("N", bound=Hashable)


def find_cycle(graph: Mapping[N, Sequence[N]]) -> tuple[N, ...]:
    """A cycle (its nodes in order, first repeated at the end) or ``()``. Nodes only referenced
    as dependencies count as leaves."""
    white, grey, black = 0, 1, 2
    colour: dict[N, int] = dict.fromkeys(graph, white)
    stack: list[N] = []

    def visit(node: N) -> tuple[N, ...]:
        colour[node] = grey
        stack.append(node)
        for dep in graph.get(node, ()):
            state = colour.get(dep, black if dep not in graph else white)
            if state == grey:
                return (*stack[stack.index(dep) :], dep)
            if state == white:
                found = visit(dep)
                if found:
                    return found
        stack.pop()
        colour[node] = black
        return ()

    for node in graph:
        if colour[node] == white:
            found = visit(node)
            if found:
                return found
    return ()


def topological_order(graph: Mapping[N, Sequence[N]]) -> tuple[N, ...]:
    """Every node after the nodes it waits for (Kahn's algorithm, ties in mapping order).
    The graph must be acyclic and closed (every dependency is a node)."""
    position = {node: index for index, node in enumerate(graph)}
    waiting = {node: len(set(deps)) for node, deps in graph.items()}
    dependents: dict[N, list[N]] = {node: [] for node in graph}
    for node, deps in graph.items():
        for dep in set(deps):
            dependents[dep].append(node)
    ready = sorted((node for node, count in waiting.items() if count == 0), key=position.__getitem__)
    order: list[N] = []
    while ready:
        node = ready.pop(0)
        order.append(node)
        for dependent in dependents[node]:
            waiting[dependent] -= 1
            if waiting[dependent] == 0:
                ready.append(dependent)
        ready.sort(key=position.__getitem__)
    if len(order) != len(graph):
        raise ValueError("the graph has a cycle")
    return tuple(order)


def ancestors(graph: Mapping[N, Sequence[N]], node: N) -> frozenset[N]:
    """Everything ``node`` waits for, directly or not."""
    seen: set[N] = set()
    todo = list(graph.get(node, ()))
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(graph.get(current, ()))
    return frozenset(seen)


def dependency_problems(nodes: Sequence[tuple[N, Sequence[N]]]) -> list[str]:
    """Duplicate nodes, dependencies on unknown nodes, cycles: what makes a plan invalid."""
    problems: list[str] = []
    ids = [node for node, _ in nodes]
    known = set(ids)
    if len(known) != len(ids):
        duplicates = sorted({str(node) for node in ids if ids.count(node) > 1})
        problems.append("duplicate ids: " + ", ".join(duplicates))
    for node, deps in nodes:
        problems.extend(f"{node!s} waits for unknown {dep!s}" for dep in deps if dep not in known)
    cycle = find_cycle({node: deps for node, deps in nodes})
    if cycle:
        problems.append("dependencies form a cycle: " + " -> ".join(str(node) for node in cycle))
    return problems
