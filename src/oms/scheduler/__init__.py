"""The scheduler deployable (``oms scheduler``): reconciliation of process state against domain state.

- ``reconciler``: one pass (find drift, record findings, repair what is safe, the incident alert policy)
- ``store``: the cross-tenant reads, as the read-only role ``oms_scheduler``
- ``engine_reads``: the engine reads the workflow client does not offer (versions, XML, jobs), both back-ends
- ``service``: the loop and the process

See docs/reconciliation.md.
"""
