"""How each simulated system behaves: latency, transient failures, business rejections, callbacks.

Every random decision is derived from ``(seed, system, idempotency key, attempt number)``, not from a
shared generator, so a seeded simulator answers the same request the same way whatever the order
in which requests arrive.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

#: a characteristic value ``REJECT:<reasonCode>`` makes any request carrying it a business rejection
REJECT_MARKER = "REJECT:"


class System(StrEnum):
    INVENTORY = "inventory"
    PROVISIONING = "provisioning"
    BILLING = "billing"
    LOGISTICS = "logistics"
    FIELD_SERVICE = "field-service"


class Rejection(BaseModel):
    """A business rejection (422 with ``reasonCode``) of every request that matches: the named
    characteristic has the value, or the idempotency key is listed. ``phase`` ``callback`` accepts
    an asynchronous request and reports the rejection in its callback instead."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    reason_code: str = Field(alias="reasonCode", min_length=1, max_length=64)
    reason: str = ""
    characteristic: str | None = None
    value: str | None = None
    idempotency_keys: list[str] = Field(default_factory=list, alias="idempotencyKeys")
    operations: list[str] = Field(default_factory=list, description="empty: every operation")
    phase: Literal["request", "callback"] = "request"

    def matches(self, operation: str, key: str, characteristics: dict[str, Any]) -> bool:
        if self.operations and operation not in self.operations:
            return False
        if key in self.idempotency_keys:
            return True
        return self.characteristic is not None and str(characteristics.get(self.characteristic)) == self.value


class SystemConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    latency_ms: int = Field(0, ge=0, le=60_000, alias="latencyMs")
    #: share of attempts answered 503 (decided per key and attempt, deterministically when seeded)
    transient_failure_rate: float = Field(0.0, ge=0.0, le=1.0, alias="transientFailureRate")
    #: the first N attempts of every idempotency key are answered 503
    fail_first_attempts: int = Field(0, ge=0, alias="failFirstAttempts")
    rejections: list[Rejection] = Field(default_factory=list)
    #: where asynchronous results go (the OMS's ``POST /callbacks/{system}``)
    callback_url: str | None = Field(None, alias="callbackUrl")
    callback_secret: str | None = Field(None, alias="callbackSecret", min_length=1)
    callback_delay_ms: int = Field(0, ge=0, le=600_000, alias="callbackDelayMs")
    #: send every callback this many extra times (to exercise the receiver's deduplication)
    callback_duplicates: int = Field(0, ge=0, le=10, alias="callbackDuplicates")
    callback_max_attempts: int = Field(5, ge=1, le=50, alias="callbackMaxAttempts")

    def public(self) -> dict[str, Any]:
        data = self.model_dump(by_alias=True)
        if data.get("callbackSecret"):
            data["callbackSecret"] = "***"
        return data


class SimulatorConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    seed: int = 0
    #: when set, the admin endpoints need ``X-Admin-Token`` with this value
    admin_token: str | None = Field(None, alias="adminToken")
    inventory: SystemConfig = Field(default_factory=SystemConfig)
    provisioning: SystemConfig = Field(default_factory=SystemConfig)
    billing: SystemConfig = Field(default_factory=SystemConfig)
    logistics: SystemConfig = Field(default_factory=SystemConfig)
    #: named as the system is everywhere else (routes, ``/admin/calls?system=``, records)
    field_service: SystemConfig = Field(default_factory=SystemConfig, alias="field-service")

    def system(self, system: System) -> SystemConfig:
        config: SystemConfig = getattr(self, system.value.replace("-", "_"))
        return config
