"""Constants of the callback suite (a module of its own: conftest modules of several suites share a name)."""

from __future__ import annotations

SECRETS = {"provisioning": "provisioning-callback-secret-0123456789", "billing": "billing-callback-secret-0123456789ab"}
JWT_SECRET = "a-jwt-signing-key-of-at-least-32-characters"
