"""Adapters to the external systems of fulfillment (resource inventory, service provisioning,
billing, logistics, field service): typed methods over HTTP, one per operation, each sending the
caller's idempotency key.

The workers call these; what answers is a real system or ``oms simulators``. Failures arrive as two
kinds the workers handle differently (``errors``): :class:`TransientError` (try the same request
again later: the engine retries the job) and :class:`BusinessRejection` (the system said no: a
business failure of the task, with the system's reason code)."""
