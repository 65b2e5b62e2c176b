"""Application services: one function per command, one database transaction per command, a request
context (tenant, actor, correlation) and the actor's authorization. Commands never commit: the
runners in ``runner.py`` and ``idempotency.py`` own the transaction."""
