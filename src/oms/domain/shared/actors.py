"""Who issues a command. The rules about what each actor may do are pure functions in
``oms.domain.approval.authorization``."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from oms.domain.shared.errors import DomainError
from oms.domain.shared.ids import ActorId


class ActorKind(StrEnum):
    CUSTOMER_CLIENT = "customer_client"  # the customer-facing API client (self-service, partner portal)
    SALES_AGENT = "sales_agent"
    APPROVER = "approver"
    OPERATOR = "operator"  # back-office staff repairing and supervising
    SERVICE = "service"  # a machine actor, e.g. the workflow worker or the scheduler


class InvalidActor(DomainError):
    code = "invalidActor"

    def __init__(self, actor_id: str, reason: str) -> None:
        super().__init__(f"actor {actor_id!r}: {reason}", actor_id=actor_id, reason=reason)


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    id: ActorId
    roles: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not self.id:
            raise InvalidActor(self.id, "an actor needs an id")

    def has_role(self, role: str) -> bool:
        return role in self.roles
