"""Request bodies and response shapes of the operator extension (fulfillment plans, fallout repair).
Not TMF622: see docs/api-order.md, "Operator extension"."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from oms.api.schemas.common import OpenModel, Ref, TmfModel


class AssignIn(TmfModel):
    assignee: str | None = Field(None, min_length=1, max_length=100, description="default: the acting operator")


class RepairDataIn(TmfModel):
    data: dict[str, str] = Field(min_length=1, max_length=50, description="merged into the case's repair data")


class CompleteManuallyIn(TmfModel):
    evidence: str = Field(min_length=1, max_length=4000, description="what proves the work was done, and by whom")
    externalReference: str | None = Field(None, max_length=200, description="the target system's reference")
    data: dict[str, str] = Field(default_factory=dict, max_length=50, description="the task's result data")


class ReasonIn(TmfModel):
    reason: str = Field(min_length=1, max_length=2000)


class FulfillmentTask(OpenModel):
    id: str
    type_: str = Field("FulfillmentTask", alias="@type")
    itemId: str
    taskType: str
    targetSystem: str
    state: str
    dependsOn: list[str]
    pointOfNoReturn: bool


class FulfillmentPlan(OpenModel):
    id: str
    href: str
    type_: str = Field("FulfillmentPlan", alias="@type")
    productOrder: Ref
    purpose: str = Field(description="fulfillment, or compensation (undoes a cancelled order's work)")
    revision: int
    canClose: bool
    pointOfNoReturnPassed: bool
    readyTask: list[str]
    task: list[FulfillmentTask]


class FalloutCase(OpenModel):
    id: str
    href: str
    type_: str = Field("FalloutCase", alias="@type")
    status: str = Field(description="open, inRepair, resolved or cancelled")
    category: str
    reason: str
    productOrder: Ref
    productOrderItem: dict[str, Any]
    fulfillmentPlan: Ref
    task: dict[str, Any]
    assignee: str | None = None
    repair: dict[str, Any] | None = None
