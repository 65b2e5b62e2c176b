"""What can go wrong when calling an external system, in the words a worker acts on.

- 503, 502, 504, 429, 408, a timeout, a refused or reset connection → :class:`TransientError`: fail the
  job with retries left; the next attempt sends the same idempotency key.
- 409, 422 (the system refused the request on business grounds) → :class:`BusinessRejection`: the
  task fails for a business reason (fallout) with the system's ``reason_code``.
- 400, 401, 403, 404, any other 4xx or 5xx, an unreadable answer → :class:`RequestRefused`: an
  incident, because configuration or code must change.
"""

from __future__ import annotations


class ExternalSystemError(Exception):
    def __init__(self, system: str, operation: str, message: str, *, status: int | None = None) -> None:
        super().__init__(f"{system} {operation}: {message}")
        self.system = system
        self.operation = operation
        self.status = status


class TransientError(ExternalSystemError):
    """The request may or may not have been acted on; sending it again with the same key is safe."""

    def __init__(
        self,
        system: str,
        operation: str,
        message: str,
        *,
        status: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(system, operation, message, status=status)
        self.retry_after_s = retry_after_s


class BusinessRejection(ExternalSystemError):
    """The system understood the request and refused it: ``reason_code`` says why (e.g.
    ``addressNotServiceable``). Repeating the same request gets the same answer."""

    def __init__(self, system: str, operation: str, reason_code: str, reason: str, *, status: int) -> None:
        super().__init__(system, operation, f"rejected ({reason_code}) {reason}".rstrip(), status=status)
        self.reason_code = reason_code
        self.reason = reason


class RequestRefused(ExternalSystemError):
    """The request itself is wrong (bad data, credentials, address) or the answer is unreadable:
    retrying will not help."""
