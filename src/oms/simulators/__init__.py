"""Stand-ins for the external systems the fulfillment talks to (resource inventory, service
provisioning, billing), served by ``oms simulators`` for development, tests and demos.

They import nothing of the OMS (an import-linter contract): they know the OMS only by its published
protocols, the callback signature scheme included (docs/simulators.md)."""
