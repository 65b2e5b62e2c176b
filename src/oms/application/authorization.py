"""Authorization the domain does not cover: operations on the catalog and reads. Commands on quotes
and approval cases are checked by the aggregates themselves (``oms.domain.approval.authorization``)."""

from __future__ import annotations

from oms.application.errors import Forbidden
from oms.domain.shared.actors import Actor, ActorKind

# The catalog is master data: loaded by an operator or by a service (``oms seed``), never by sales.
_CATALOG_MANAGERS = frozenset({ActorKind.OPERATOR, ActorKind.SERVICE})


def require_catalog_manager(actor: Actor, action: str) -> None:
    if actor.kind not in _CATALOG_MANAGERS:
        raise Forbidden(
            f"actor {actor.id!r} ({actor.kind}) may not {action}: only operators and services manage the catalog",
            {"actor_id": actor.id, "actor_kind": str(actor.kind), "action": action},
        )
