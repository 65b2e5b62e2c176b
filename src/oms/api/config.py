"""What the HTTP layer needs to know, as one typed value built by ``oms.bootstrap`` and passed to
``create_app``: token verification, development API keys, and quote defaults."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from types import MappingProxyType

from oms.api.auth import Claims


class ApprovalOutcomeMode(StrEnum):
    # The quote-approval process applies a closed case's outcome to the quote (job
    # ``quote.approval.apply-decision``); the API only records decisions.
    WORKFLOW = "workflow"
    # No approval process runs (``oms dev`` until the quote-approval BPMN and its workers ship): the
    # decision request applies the outcome itself, in the same transaction, once the case closes.
    INLINE = "inline"


@dataclass(frozen=True)
class ApiConfig:
    jwt_secret: str | None
    jwt_issuer: str = "oms"
    jwt_audience: str = "oms-api"
    # Development only: an API key stands for a fixed set of claims (X-API-Key header).
    api_keys: Mapping[str, Claims] = field(default_factory=dict)
    quote_validity: timedelta = timedelta(days=30)
    approval_outcome: ApprovalOutcomeMode = ApprovalOutcomeMode.WORKFLOW

    def __post_init__(self) -> None:
        object.__setattr__(self, "api_keys", MappingProxyType(dict(self.api_keys)))


class InvalidApiKeys(ValueError):
    """``OMS_API_KEYS`` is not a JSON object of key -> claims; the message says what is wrong."""


def parse_api_keys(raw: str) -> dict[str, Claims]:
    """``{"<key>": {"tenant": "demo", "sub": "agent-1", "actor_kind": "sales_agent", "roles": []}}``."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise InvalidApiKeys(f"OMS_API_KEYS is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise InvalidApiKeys("OMS_API_KEYS must be a JSON object of api key -> claims")
    keys: dict[str, Claims] = {}
    for key, claims in data.items():
        if len(key) < 16:
            raise InvalidApiKeys(f"OMS_API_KEYS: key {key[:4]!r}... is shorter than 16 characters")
        try:
            keys[key] = Claims.from_mapping(claims)
        except ValueError as error:
            raise InvalidApiKeys(f"OMS_API_KEYS: claims of key {key[:4]!r}...: {error}") from None
    return keys
