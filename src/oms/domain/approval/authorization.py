"""What each actor may do: pure functions over ``Actor`` values, called by the aggregates' commands
(and usable by the API to hide what an actor cannot do).

Each function returns a ``Permission`` that is truthy when allowed and says why when not.
The table, in short:

| action                           | customer_client | sales_agent | approver | operator | service |
|----------------------------------|-----------------|-------------|----------|----------|---------|
| create / change quote items      | yes             | yes         | -        | yes      | never   |
| change a price (manual discount) | -               | yes         | -        | yes      | never   |
| submit, cancel a quote           | yes             | yes         | -        | yes      | -       |
| accept / reject (customer)       | yes             | yes         | -        | -        | -       |
| expire a quote                   | -               | -           | -        | yes      | yes     |
| apply an approval outcome        | -               | -           | yes      | yes      | yes     |
| record an approval decision      | -               | -           | own role | -        | for an approver |
| escalate an approval             | -               | -           | level role | yes    | yes     |
| expire an approval case          | -               | -           | -        | yes      | yes     |
"""

from __future__ import annotations

from dataclasses import dataclass

from oms.domain.shared.actors import Actor, ActorKind
from oms.domain.shared.errors import NotAuthorized

CUSTOMER, AGENT, APPROVER, OPERATOR, SERVICE = (
    ActorKind.CUSTOMER_CLIENT,
    ActorKind.SALES_AGENT,
    ActorKind.APPROVER,
    ActorKind.OPERATOR,
    ActorKind.SERVICE,
)


@dataclass(frozen=True)
class Permission:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Permission(True)


def _only(actor: Actor, kinds: frozenset[ActorKind], what: str) -> Permission:
    if actor.kind in kinds:
        return ALLOWED
    return Permission(False, f"{actor.kind} actors may not {what}")


def require(permission: Permission, actor: Actor, action: str) -> None:
    if not permission:
        raise NotAuthorized(actor.id, actor.kind, action, permission.reason)


def can_create_quote(actor: Actor) -> Permission:
    return _only(actor, frozenset({CUSTOMER, AGENT, OPERATOR}), "create quotes")


def can_change_items(actor: Actor) -> Permission:
    # A service actor re-configuring items would change the price behind everyone's back.
    return _only(actor, frozenset({CUSTOMER, AGENT, OPERATOR}), "change quote items")


def can_change_price(actor: Actor) -> Permission:
    """Requesting or changing a manual discount. Never a service, never the customer itself."""
    return _only(actor, frozenset({AGENT, OPERATOR}), "change a price")


def can_submit_quote(actor: Actor) -> Permission:
    return _only(actor, frozenset({CUSTOMER, AGENT, OPERATOR}), "submit quotes")


def can_respond_for_customer(actor: Actor) -> Permission:
    """Accept or reject an approved quote: the customer, or a sales agent holding its signature."""
    return _only(actor, frozenset({CUSTOMER, AGENT}), "accept or reject quotes for the customer")


def can_cancel_quote(actor: Actor) -> Permission:
    return _only(actor, frozenset({CUSTOMER, AGENT, OPERATOR}), "cancel quotes")


def can_expire_quote(actor: Actor) -> Permission:
    return _only(actor, frozenset({OPERATOR, SERVICE}), "expire quotes")


def can_apply_approval_outcome(actor: Actor) -> Permission:
    return _only(actor, frozenset({APPROVER, OPERATOR, SERVICE}), "apply approval outcomes to quotes")


def can_open_approval_case(actor: Actor) -> Permission:
    # Opened in the submit transaction (by whoever submits) or by the workflow worker.
    return _only(actor, frozenset({CUSTOMER, AGENT, OPERATOR, SERVICE}), "open approval cases")


def can_cancel_approval_case(actor: Actor) -> Permission:
    return _only(actor, frozenset({CUSTOMER, AGENT, OPERATOR, SERVICE}), "cancel approval cases")


def can_expire_approval_case(actor: Actor) -> Permission:
    """Closing a case nobody decided in time: the workflow's expiry (a service) or an operator."""
    return _only(actor, frozenset({OPERATOR, SERVICE}), "expire approval cases")


def can_record_decision(actor: Actor, level_role: str, approver_id: str, approver_role: str) -> Permission:
    """A decision must come from someone holding the level's role.

    An approver records their own decision. A service actor (the workflow worker relaying a user
    task) may record one only for an identified approver with that role, never as itself. The
    domain trusts the identity the service carries; checking it against the identity provider is
    the application layer's job."""
    if approver_role != level_role:
        return Permission(False, f"the level needs role {level_role!r}, the decision carries {approver_role!r}")
    if actor.kind is APPROVER:
        if approver_id != actor.id:
            return Permission(False, "an approver may record only their own decision")
        if not actor.has_role(level_role):
            return Permission(False, f"approver does not hold role {level_role!r}")
        return ALLOWED
    if actor.kind is SERVICE:
        if not approver_id or not approver_role:
            return Permission(False, "a service may record a decision only with the approver's identity and role")
        if approver_id == actor.id:
            return Permission(False, "a service cannot be the approver")
        return ALLOWED
    return Permission(False, f"{actor.kind} actors may not record approval decisions")


def can_escalate(actor: Actor, level_role: str) -> Permission:
    """The approver of the waiting level hands it up; operators and the workflow (a timer) may too."""
    if actor.kind in (OPERATOR, SERVICE):
        return ALLOWED
    if actor.kind is APPROVER and actor.has_role(level_role):
        return ALLOWED
    return Permission(False, f"only an approver with role {level_role!r}, an operator or a service may escalate")
