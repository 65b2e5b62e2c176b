"""Callbacks whose results the application records itself: the provisioning system's.

A provisioning callback does not become a raw engine message. It runs the application command
``record_provisioning_result`` (one transaction: the callback's dedupe record, the task's result on the
plan, and ``order.provisioning.completed`` for the waiting process once the provisioning round has
nothing in flight). Callbacks of other systems go to the inbox behind (``PostgresCallbackInbox``: a
``{system}.callback`` message for the relay)."""

from __future__ import annotations

from typing import Final

from oms.application.commands.provisioning_results import RecordProvisioningResult, record_provisioning_result
from oms.application.context import RequestContext
from oms.application.runner import run_command
from oms.application.unit_of_work import UnitOfWorkFactory
from oms.domain.shared.actors import Actor, ActorKind
from oms.domain.shared.ids import ActorId
from oms.relay.callbacks import Callback, CallbackInbox, Receipt

PROVISIONING: Final = "provisioning"
#: the service actor provisioning results are recorded as (in the audit trail)
CALLBACK_SERVICE_ID: Final = "oms-callbacks"


class ApplicationCallbackInbox:
    """:class:`~oms.relay.callbacks.CallbackInbox`: provisioning callbacks through the application,
    every other system's to ``fallback``."""

    def __init__(
        self, uow_factory: UnitOfWorkFactory, fallback: CallbackInbox, *, service_id: str = CALLBACK_SERVICE_ID
    ) -> None:
        self._factory = uow_factory
        self._fallback = fallback
        self._actor = Actor(ActorKind.SERVICE, ActorId(service_id))

    def record(self, callback: Callback) -> Receipt:
        if callback.system != PROVISIONING:
            return self._fallback.record(callback)
        request_id = f"callback:{callback.message_id}"
        ctx = RequestContext(callback.tenant_id, self._actor, callback.correlation_id or request_id, request_id)
        command = RecordProvisioningResult(
            callback_id=callback.callback_id,
            correlation_key=callback.correlation_key,
            status=callback.status.value,
            message_name=callback.message_name,
            message_id=callback.message_id,
            variables=callback.variables(),
            reason_code=callback.reason_code,
            reason=callback.reason,
            external_reference=callback.external_reference,
            details=callback.details,
        )
        return Receipt(run_command(self._factory, ctx, lambda uow: record_provisioning_result(uow, command)))
