"""Who may act on fulfillment plans: pure functions over ``Actor``.

| action                                        | service | operator | others |
|-----------------------------------------------|---------|----------|--------|
| plan (decompose, revise), run tasks            | yes     | yes      | -      |
| skip a task                                   | yes     | yes      | -      |
| retry a failed task, complete it by hand       | -       | yes      | -      |

A service skips tasks only on behalf of a decided cancellation or amendment; skipping to repair a
fallout is an operator's decision (``oms.domain.fallout.authorization``)."""

from __future__ import annotations

from oms.domain.approval.authorization import ALLOWED, Permission
from oms.domain.shared.actors import Actor, ActorKind


def only(actor: Actor, kinds: frozenset[ActorKind], what: str) -> Permission:
    if actor.kind in kinds:
        return ALLOWED
    return Permission(False, f"{actor.kind} actors may not {what}")


MACHINE_OR_OPERATOR = frozenset({ActorKind.SERVICE, ActorKind.OPERATOR})


def can_plan_fulfillment(actor: Actor) -> Permission:
    return only(actor, MACHINE_OR_OPERATOR, "plan fulfillment")


def can_run_tasks(actor: Actor) -> Permission:
    return only(actor, MACHINE_OR_OPERATOR, "run fulfillment tasks")


def can_skip_tasks(actor: Actor) -> Permission:
    return only(actor, MACHINE_OR_OPERATOR, "skip fulfillment tasks")


def can_repair_tasks(actor: Actor) -> Permission:
    return only(actor, frozenset({ActorKind.OPERATOR}), "retry or hand-complete fulfillment tasks")
