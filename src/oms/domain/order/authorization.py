"""Who may do what with product orders: pure functions over ``Actor``.

| action                                                    | customer_client | sales_agent | operator | service |
|-----------------------------------------------------------|-----------------|-------------|----------|---------|
| place an order, request its cancellation or an amendment  | yes             | yes         | yes      | -       |
| supply extra information                                  | yes             | yes         | yes      | yes     |
| progress the order (start, hold, close, fail an item,      | -               | -           | yes      | yes     |
| decide a cancellation or amendment, cancel as unsolvable)  |                 |             |          |         |
| approve or decline an amendment that needs approval       | -               | -           | yes      | -       |

The service is the workflow worker acting on the process's behalf; an operator can do by hand
what the worker would."""

from __future__ import annotations

from oms.domain.approval.authorization import Permission
from oms.domain.fulfillment.authorization import MACHINE_OR_OPERATOR, only
from oms.domain.shared.actors import Actor, ActorKind

_REQUESTERS = frozenset({ActorKind.CUSTOMER_CLIENT, ActorKind.SALES_AGENT, ActorKind.OPERATOR})


def can_place_order(actor: Actor) -> Permission:
    return only(actor, _REQUESTERS, "place orders")


def can_request_cancellation(actor: Actor) -> Permission:
    return only(actor, _REQUESTERS, "request the cancellation of orders")


def can_request_amendment(actor: Actor) -> Permission:
    return only(actor, _REQUESTERS, "request amendments of orders")


def can_supply_information(actor: Actor) -> Permission:
    return only(actor, _REQUESTERS | {ActorKind.SERVICE}, "supply order information")


def can_progress_order(actor: Actor) -> Permission:
    return only(actor, MACHINE_OR_OPERATOR, "progress orders")


def can_decide_amendment_approval(actor: Actor) -> Permission:
    """An amendment that undoes work already done needs a person's decision: an operator's, never
    the workflow's own (the worker only relays what was decided)."""
    return only(actor, frozenset({ActorKind.OPERATOR}), "approve or decline order amendments")
