"""Who may act on fallout cases: a pure policy over ``Actor``.

| action                                              | operator | service | others |
|-----------------------------------------------------|----------|---------|--------|
| open a case (from a failed task)                    | yes      | yes     | -      |
| assign, update repair data, repair (retry, complete | yes      | -       | -      |
| manually, skip, cancel the order)                   |          |         |        |
| withdraw a moot case                                | yes      | yes     | -      |

Repairs are human decisions with consequences (a skipped installation, an order given up), so
only operators make them, and the case records who did."""

from __future__ import annotations

from oms.domain.approval.authorization import Permission
from oms.domain.fulfillment.authorization import MACHINE_OR_OPERATOR, only
from oms.domain.shared.actors import Actor, ActorKind


def can_open_fallout(actor: Actor) -> Permission:
    return only(actor, MACHINE_OR_OPERATOR, "open fallout cases")


def can_handle_fallout(actor: Actor) -> Permission:
    return only(actor, frozenset({ActorKind.OPERATOR}), "handle or repair fallout cases")


def can_withdraw_fallout(actor: Actor) -> Permission:
    return only(actor, MACHINE_OR_OPERATOR, "withdraw fallout cases")
