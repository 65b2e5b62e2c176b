"""Message correlation: received callbacks (``workflow_message_correlation``) published to the engine.

Each row is published with its message name, correlation key, the callback's variables, a time to
live (the catch event may not be reached yet: the row's own, which the application stores for the
messages whose contract names one, else the relay's default) and the message id derived from the
callback's id. A relay that dies after publishing but before marking the row publishes it again
after the lease: the engine refuses the same message id while the first is buffered (``Conflict``),
which the relay takes as "published already". So a callback reaches the process once.
"""

from __future__ import annotations

import structlog

from oms.relay.options import RelayOptions, run_each
from oms.relay.store import PendingMessage, RelayStore
from oms.workflow.client import Conflict, WorkflowClient, WorkflowClientError

_log = structlog.get_logger("oms.relay")


class MessageRelay:
    def __init__(self, store: RelayStore, client: WorkflowClient, options: RelayOptions | None = None) -> None:
        self._store = store
        self._client = client
        self._options = options or RelayOptions()

    def run_once(self) -> int:
        """Claim the due received callbacks and publish each; the number claimed."""
        messages = self._store.claim_messages(limit=self._options.batch_size, lease=self._options.lease)
        # The messages of one correlation key are published one after another, in claim order.
        by_key: dict[tuple[str, str, str], list[PendingMessage]] = {}
        for message in messages:
            by_key.setdefault((message.tenant_id, message.message_name, message.correlation_key), []).append(message)
        run_each(list(by_key.values()), self._publish_all, self._options.concurrency)
        return len(messages)

    def _publish_all(self, messages: list[PendingMessage]) -> None:
        for message in messages:
            self._publish(message)

    def _publish(self, message: PendingMessage) -> None:
        message_id = message.message_id or f"correlation:{message.tenant_id}:{message.id}"
        log = _log.bind(
            tenantId=message.tenant_id,
            correlationId=message.correlation_id,
            messageName=message.message_name,
            correlationKey=message.correlation_key,
            messageId=message_id,
            attempt=message.attempt,
        )
        try:
            self._client.publish_message(
                message.message_name,
                message.correlation_key,
                time_to_live_ms=self._time_to_live_ms(message),
                message_id=message_id,
                variables=message.variables,
            )
            outcome = "message published"
        except Conflict:
            outcome = "message published before (its id is buffered)"
        except WorkflowClientError as error:
            self._failed(message, f"{type(error).__name__}: {error}", log)
            return
        self._store.record_published(message)
        log.info(outcome)

    def _time_to_live_ms(self, message: PendingMessage) -> int:
        if message.time_to_live_ms is not None:
            return message.time_to_live_ms
        return int(self._options.message_ttl.total_seconds() * 1000)

    def _failed(self, message: PendingMessage, error: str, log: structlog.typing.FilteringBoundLogger) -> None:
        if self._options.backoff.exhausted(message.attempt):
            self._store.record_message_failure(message, error, retry_at=None)
            log.error("message publication failed for good", error=error)
            return
        retry_at = self._store.now() + self._options.backoff.delay(message.attempt)
        self._store.record_message_failure(message, error, retry_at=retry_at)
        log.warning("message publication failed; will retry", error=error, retryAt=retry_at.isoformat())
