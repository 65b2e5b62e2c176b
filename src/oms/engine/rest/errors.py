"""Every failure as an RFC 7807 problem (``application/problem+json``), mapped in one place.

Camunda's gateway answers rejections with the rejection type as the title (``NOT_FOUND``,
``INVALID_STATE``, ...) and the engine's message as the detail; the official SDK parses the body
as ``ProblemDetail`` and needs all five fields.
"""

from __future__ import annotations

from http import HTTPStatus

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from oms.engine.errors import (
    AlreadyExistsError,
    DeploymentRejectedError,
    EngineError,
    InvalidArgumentError,
    InvalidStateError,
    NotFoundError,
)

_log = structlog.get_logger("oms.engine.rest")

PROBLEM_JSON = "application/problem+json"


class ApiProblem(Exception):
    """A problem raised by the REST layer itself (auth, timeouts, unsupported features)."""

    def __init__(self, status: int, title: str, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.headers = headers or {}


def problem_of(error: Exception) -> ApiProblem:
    """The one mapping from an exception to status, title and detail."""
    if isinstance(error, ApiProblem):
        return error
    if isinstance(error, DeploymentRejectedError):
        return ApiProblem(400, "INVALID_ARGUMENT", str(error))
    if isinstance(error, InvalidArgumentError):
        return ApiProblem(400, "INVALID_ARGUMENT", str(error))
    if isinstance(error, NotFoundError):
        return ApiProblem(404, "NOT_FOUND", str(error))
    if isinstance(error, InvalidStateError):
        return ApiProblem(409, "INVALID_STATE", str(error))
    if isinstance(error, AlreadyExistsError):
        return ApiProblem(409, "ALREADY_EXISTS", str(error))
    if isinstance(error, EngineError):
        return ApiProblem(500, "INTERNAL", str(error))
    if isinstance(error, RequestValidationError):
        return ApiProblem(400, "Bad Request", _validation_detail(error))
    if isinstance(error, StarletteHTTPException):
        return ApiProblem(error.status_code, _reason(error.status_code), str(error.detail), dict(error.headers or {}))
    return ApiProblem(500, "INTERNAL", "An internal error occurred while processing the request.")


def problem_response(request: Request, problem: ApiProblem) -> JSONResponse:
    body = {
        "type": "about:blank",
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": request.url.path,
    }
    return JSONResponse(body, status_code=problem.status, media_type=PROBLEM_JSON, headers=problem.headers)


def install_error_handlers(app: FastAPI) -> None:
    async def handle(request: Request, error: Exception) -> JSONResponse:
        problem = problem_of(error)
        if problem.status >= 500:
            _log.error("request failed", path=request.url.path, error=repr(error), exc_info=error)
        return problem_response(request, problem)

    for error_type in (EngineError, ApiProblem, RequestValidationError, StarletteHTTPException, Exception):
        app.add_exception_handler(error_type, handle)


def _validation_detail(error: RequestValidationError) -> str:
    parts: list[str] = []
    for item in error.errors():
        location = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
        if item.get("type") == "json_invalid":
            parts.append(f"the request body is not valid JSON ({item.get('ctx', {}).get('error', 'parse error')})")
        else:
            parts.append(f"{location or 'body'}: {item.get('msg', 'invalid')}")
    return "Invalid request: " + "; ".join(parts)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
