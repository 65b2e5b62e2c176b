"""The process variables each model may hold, declared in one place, and the size limit.

Variables are routing context (ids, the correlation id, small flags), never aggregates: the plan,
the order, the quote stay in PostgreSQL. The model tests fail when an instance holds a variable
that is not listed here for its process, or one whose JSON is larger than
:data:`MAX_VARIABLE_BYTES`. ``businessKey`` is set by the start relay on every instance.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from oms.workflow.processes import (
    FALLOUT_REPAIR,
    ORDER_AMENDMENT,
    ORDER_CANCELLATION,
    ORDER_FULFILLMENT,
    QUOTE_APPROVAL,
)

#: the largest JSON encoding (UTF-8 bytes) one variable may have
MAX_VARIABLE_BYTES: Final = 256

#: set on every instance: by the starter, and by the start relay (``businessKey``)
COMMON_VARIABLES: Final = frozenset({"tenantId", "correlationId", "businessKey"})

ALLOWED_VARIABLES: Final[Mapping[str, frozenset[str]]] = {
    QUOTE_APPROVAL: COMMON_VARIABLES | {"quoteId", "approvalCaseId", "approvalRequired", "approvalOutcome"},
    ORDER_FULFILLMENT: COMMON_VARIABLES
    | {"orderId", "nextStep", "provisioningRequestId", "provisioningOutcome", "falloutCaseId"},
    ORDER_CANCELLATION: COMMON_VARIABLES
    | {"orderId", "cancellationRequestId", "cancellationDecision", "falloutCaseId"},
    ORDER_AMENDMENT: COMMON_VARIABLES
    | {"orderId", "amendmentRequestId", "amendmentDecision", "amendmentApproved", "amendmentApplied"},
    FALLOUT_REPAIR: COMMON_VARIABLES | {"falloutCaseId", "repairMode", "repairAction"},
}


def variable_size(value: Any) -> int:
    """The size of a variable as stored: its compact JSON in UTF-8."""
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str).encode())


def variable_problems(process_id: str, variables: Mapping[str, Any]) -> list[str]:
    """What is wrong with these variables of an instance of ``process_id`` (empty: nothing)."""
    allowed = ALLOWED_VARIABLES.get(process_id)
    if allowed is None:
        return [f"process {process_id!r} declares no variables"]
    problems = [
        f"variable {name!r} is not allowed in {process_id} (allowed: {', '.join(sorted(allowed))})"
        for name in variables
        if name not in allowed
    ]
    problems += [
        f"variable {name!r} of {process_id} has {size} bytes of JSON, more than {MAX_VARIABLE_BYTES}"
        for name, value in variables.items()
        if (size := variable_size(value)) > MAX_VARIABLE_BYTES
    ]
    return problems
