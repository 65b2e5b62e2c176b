"""Running writes (with or without ``Idempotency-Key``) and shaping resource responses: ``ETag`` from
the lock version, ``Location`` equal to ``href`` on create, ``?fields=`` projection, paging headers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from fastapi.responses import JSONResponse

from oms.api.deps import Services
from oms.application.context import RequestContext
from oms.application.idempotency import request_fingerprint, run_idempotent
from oms.application.queries.criteria import PageRequest
from oms.application.runner import run_command
from oms.application.unit_of_work import UnitOfWork

Json = dict[str, Any]
# Always returned, whatever ``fields`` asks for: a resource must stay addressable.
ALWAYS = frozenset({"id", "href", "@type"})


def stored(body: Json, version: int) -> Json:
    """What a write returns and, with a key, what is stored for replays: the rendered body as sent,
    and the version that becomes the ETag."""
    return {"body": body, "version": version}


def run_write(
    services: Services,
    ctx: RequestContext,
    *,
    key: str | None,
    operation: str,
    body: object,
    command: Callable[[UnitOfWork], Json],
) -> tuple[Json, bool]:
    """Run ``command`` in one transaction. With a key, its result is stored with the key in that
    same transaction; the same key and body give the stored result back (``replayed``)."""
    if key is None:
        return run_command(services.uow_factory, ctx, command), False
    outcome = run_idempotent(services.uow_factory, ctx, key, request_fingerprint(operation, body), command)
    return outcome.result, outcome.replayed


def project(body: Json, fields: frozenset[str] | None) -> Json:
    if fields is None:
        return body
    return {name: value for name, value in body.items() if name in fields or name in ALWAYS}


def resource_response(
    result: Json,
    *,
    status: int = 200,
    fields: frozenset[str] | None = None,
    created: bool = False,
    replayed: bool = False,
) -> JSONResponse:
    body: Json = result["body"]
    headers = {"ETag": f'"{result["version"]}"'}
    if created:
        headers["Location"] = body["href"]
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(project(body, fields), status_code=status, headers=headers)


def list_response(rows: Iterable[Json], total: int, page: PageRequest, fields: frozenset[str] | None) -> JSONResponse:
    items = [project(row, fields) for row in rows]
    headers = {"X-Total-Count": str(total), "X-Result-Count": str(len(items))}
    # TMF: 206 when the page holds only part of the matches, 200 when it holds them all.
    status = 200 if page.offset == 0 and len(items) == total else 206
    return JSONResponse(items, status_code=status, headers=headers)
