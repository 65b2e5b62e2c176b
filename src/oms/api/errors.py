"""Every failure as a TMF error body (``code``, ``reason``, ``message``, ``status``), mapped from
exceptions to HTTP in ONE function, :func:`problem_of`.

| raised                                   | status | ``code``                                   |
|------------------------------------------|--------|--------------------------------------------|
| request body not JSON                    | 400    | ``malformedJson``                          |
| request does not match the schema        | 400    | ``invalidRequest`` (``details.problems``)  |
| ``AuthenticationFailed``                 | 401    | ``unauthenticated``                        |
| ``Forbidden``                            | 403    | the domain's, e.g. ``notAuthorized``       |
| ``NotFound`` / unknown route             | 404    | ``notFound``                               |
| ``StaleVersion``                         | 412 with ``If-Match``, else 409 | ``staleVersion``  |
| ``Conflict`` (illegal transition …)      | 409    | the domain's, e.g. ``illegalTransition``   |
| ``IdempotencyConflict``                  | 422    | ``idempotencyKeyReused``                   |
| ``ValidationFailed`` (configuration …)   | 422    | the domain's, e.g. ``invalidConfiguration`` |
| anything else                            | 500    | ``internalError`` (details only in the log) |
"""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from oms.api.auth import AuthenticationFailed
from oms.application.errors import (
    ApplicationError,
    Conflict,
    Forbidden,
    IdempotencyConflict,
    NotFound,
    StaleVersion,
    ValidationFailed,
)

_log = structlog.get_logger("oms.api")


@dataclass(frozen=True)
class Problem:
    status: int
    code: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "@type": "Error",
            "code": self.code,
            "reason": HTTPStatus(self.status).phrase,
            "message": self.message,
            "status": str(self.status),
        }
        if self.details:
            body["details"] = self.details
        return body


class ApiError(Exception):
    """A problem found by the HTTP layer itself (a bad header, a bad query parameter)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def bad_request(code: str, message: str, **details: Any) -> ApiError:
    return ApiError(Problem(400, code, message, details))


def problem_of(error: Exception, *, if_match_sent: bool = False) -> Problem:
    """The one mapping from an exception to a status and a TMF error body."""
    if isinstance(error, ApiError):
        return error.problem
    if isinstance(error, RequestValidationError):
        return _request_problem(error)
    if isinstance(error, AuthenticationFailed):
        return Problem(401, "unauthenticated", str(error), headers={"WWW-Authenticate": "Bearer"})
    if isinstance(error, ApplicationError):
        return Problem(_application_status(error, if_match_sent), error.code, error.message, error.details)
    if isinstance(error, StarletteHTTPException):
        code = "notFound" if error.status_code == 404 else HTTPStatus(error.status_code).name.lower()
        return Problem(error.status_code, code, str(error.detail), headers=dict(error.headers or {}))
    return Problem(500, "internalError", "the server failed to handle the request; see its log")


def _application_status(error: ApplicationError, if_match_sent: bool) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, StaleVersion):
        # With If-Match the client's precondition failed (RFC 9110); without, a concurrent writer won.
        return 412 if if_match_sent else 409
    if isinstance(error, Conflict):
        return 409
    if isinstance(error, IdempotencyConflict | ValidationFailed):
        return 422
    return 400


def _request_problem(error: RequestValidationError) -> Problem:
    problems = [
        {"location": ".".join(str(part) for part in e.get("loc", ())), "problem": e.get("msg", ""), "type": e["type"]}
        for e in error.errors()
    ]
    if any(e["type"] == "json_invalid" for e in error.errors()):
        position = next((e.get("ctx", {}).get("error", "") for e in error.errors() if e["type"] == "json_invalid"), "")
        return Problem(400, "malformedJson", f"the request body is not valid JSON: {position}".rstrip(": "))
    summary = "; ".join(f"{p['location']}: {p['problem']}" for p in problems)
    return Problem(400, "invalidRequest", f"the request does not match the schema: {summary}", {"problems": problems})


def problem_response(problem: Problem) -> JSONResponse:
    return JSONResponse(problem.body(), status_code=problem.status, headers=problem.headers or None)


def install_error_handlers(app: FastAPI) -> None:
    async def handle(request: Request, error: Exception) -> JSONResponse:
        problem = problem_of(error, if_match_sent="if-match" in request.headers)
        if problem.status >= 500:
            _log.error(
                "request failed",
                path=request.url.path,
                correlation_id=getattr(request.state, "correlation_id", None),
                exc_info=error,
            )
        return problem_response(problem)

    for kind in (ApiError, RequestValidationError, AuthenticationFailed, ApplicationError, StarletteHTTPException):
        app.add_exception_handler(kind, handle)
    app.add_exception_handler(Exception, handle)
