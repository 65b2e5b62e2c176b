"""The workflow relay: what the business transactions wrote for the engine, delivered after commit.

- ``starts``: ``workflow_start_request`` rows become process instances (``workflow_instance_ref``),
  at most one per business key, however often a start is retried or the relay crashes.
- ``messages``: callbacks received from external systems (``workflow_message_correlation``) become
  engine messages, published with a message id derived from the callback's id.
- ``callbacks``: the callback vocabulary and its signature scheme (no I/O: the HTTP edge uses it).
- ``store``: the SQL, as the cross-tenant role ``oms_relay`` (the inbox of callbacks as ``oms_app``).
- ``service``: the loop of ``oms workflow-relay``, woken by ``NOTIFY`` and polling as a fallback.
"""
