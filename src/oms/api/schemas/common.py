"""Shapes shared by every resource: the TMF error body, ``Money``, ``TimePeriod``, references."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class TmfModel(BaseModel):
    """Request bodies: TMF's polymorphism attributes are accepted; anything else unknown is a 400."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    type_: str | None = Field(None, alias="@type")
    base_type: str | None = Field(None, alias="@baseType")
    schema_location: str | None = Field(None, alias="@schemaLocation")


class OpenModel(BaseModel):
    """Response bodies: documented attributes, extensions allowed."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Error(OpenModel):
    type_: str = Field("Error", alias="@type")
    code: str = Field(description="stable, machine-readable name, e.g. illegalTransition")
    reason: str = Field(description="the HTTP reason phrase")
    message: str = Field(description="what is wrong, naming the item, characteristic or state concerned")
    status: str = Field(description="the HTTP status code")
    details: dict[str, Any] | None = Field(None, description="extension: the problems, as data")


class Money(OpenModel):
    unit: str
    value: str = Field(description="decimal amount as a string (never a float)")


class TimePeriod(OpenModel):
    startDateTime: str | None = None
    endDateTime: str | None = None


class Ref(OpenModel):
    id: str
    href: str | None = None
    name: str | None = None
    referred_type: str | None = Field(None, alias="@referredType")


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Error, "description": description}
    for status, description in (
        (400, "Bad Request: malformed JSON, a body or parameter not matching the schema"),
        (401, "Unauthorized: no or invalid credentials"),
        (403, "Forbidden: the actor may not do this"),
        (404, "Not Found (also for another tenant's resources)"),
        (409, "Conflict: illegal state transition, stale version without If-Match"),
        (412, "Precondition Failed: If-Match does not match the current version"),
        (422, "Unprocessable: invalid configuration, unknown offering, reused Idempotency-Key"),
    )
}
