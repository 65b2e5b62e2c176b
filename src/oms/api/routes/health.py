"""Liveness (the process answers) and readiness (the database answers), without credentials."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from oms.api.deps import ServicesDep

router = APIRouter(prefix="/health", tags=["health"])


@router.get("/live")
def live() -> dict[str, str]:
    return {"status": "up"}


@router.get("/ready")
def ready(services: ServicesDep) -> JSONResponse:
    try:
        services.ready_check()
    except Exception as error:  # any failure means "not ready"; the reason helps the operator
        return JSONResponse({"status": "down", "reason": type(error).__name__}, status_code=503)
    return JSONResponse({"status": "up"})
