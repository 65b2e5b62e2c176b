"""What an element step returns instead of raising: the loop turns it into an incident."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ErrorType(StrEnum):
    """Incident error types, as the Camunda REST API spells them."""

    UNKNOWN = "UNKNOWN"
    IO_MAPPING_ERROR = "IO_MAPPING_ERROR"
    JOB_NO_RETRIES = "JOB_NO_RETRIES"
    CONDITION_ERROR = "CONDITION_ERROR"
    EXTRACT_VALUE_ERROR = "EXTRACT_VALUE_ERROR"
    CALLED_ELEMENT_ERROR = "CALLED_ELEMENT_ERROR"
    UNHANDLED_ERROR_EVENT = "UNHANDLED_ERROR_EVENT"


@dataclass(frozen=True)
class Failure:
    error_type: ErrorType
    message: str
