"""Request bodies of the element-instance and incident commands."""

from __future__ import annotations

from typing import Any

from oms.engine.rest.schemas.common import ApiModel


class SetVariableRequest(ApiModel):
    variables: dict[str, Any]
    local: bool = False
    operation_reference: int | None = None


class IncidentResolutionRequest(ApiModel):
    operation_reference: int | None = None
