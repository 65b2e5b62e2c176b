from __future__ import annotations

from datetime import datetime

from oms.domain.shared.errors import DomainError


class EmptyQuote(DomainError):
    """TMF648: a quote has at least one item (``quoteItem`` minItems 1)."""

    code = "emptyQuote"

    def __init__(self, quote_id: str) -> None:
        super().__init__(f"quote {quote_id!r} needs at least one item", quote_id=quote_id)


class InvalidQuoteValidity(DomainError):
    code = "invalidQuoteValidity"

    def __init__(self, quote_id: str, reason: str) -> None:
        super().__init__(f"quote {quote_id!r}: validity {reason}", quote_id=quote_id, reason=reason)


class QuoteValidityEnded(DomainError):
    """The command needs a valid quote, but its validity period is over (it awaits expiry)."""

    code = "quoteValidityEnded"

    def __init__(self, quote_id: str, action: str, valid_until: datetime, now: datetime) -> None:
        super().__init__(
            f"quote {quote_id!r}: cannot {action}, its validity ended at {valid_until.isoformat()}",
            quote_id=quote_id,
            action=action,
            valid_until=valid_until.isoformat(),
            now=now.isoformat(),
        )


class QuoteStillValid(DomainError):
    code = "quoteStillValid"

    def __init__(self, quote_id: str, valid_until: datetime, now: datetime) -> None:
        super().__init__(
            f"quote {quote_id!r} is valid until {valid_until.isoformat()}, it cannot expire at {now.isoformat()}",
            quote_id=quote_id,
            valid_until=valid_until.isoformat(),
            now=now.isoformat(),
        )


class PriceDoesNotMatchItems(DomainError):
    """The price breakdown was made for other items than the ones given with it."""

    code = "priceDoesNotMatchItems"

    def __init__(self, quote_id: str, reason: str) -> None:
        super().__init__(
            f"quote {quote_id!r}: the price does not match the items: {reason}", quote_id=quote_id, reason=reason
        )


class StaleApprovalOutcome(DomainError):
    """The outcome comes from an approval case other than the one the quote waits for (e.g. a
    redelivered outcome of an earlier submission)."""

    code = "staleApprovalOutcome"

    def __init__(self, quote_id: str, expected_case_id: str | None, given_case_id: str) -> None:
        super().__init__(
            f"quote {quote_id!r} waits for approval case {expected_case_id!r}, not {given_case_id!r}",
            quote_id=quote_id,
            expected_case_id=expected_case_id,
            given_case_id=given_case_id,
        )


class QuoteAlreadySuperseded(DomainError):
    code = "quoteAlreadySuperseded"

    def __init__(self, quote_id: str, superseded_by: str) -> None:
        super().__init__(
            f"quote {quote_id!r} already has a newer version {superseded_by!r}",
            quote_id=quote_id,
            superseded_by=superseded_by,
        )


class InsufficientApproval(DomainError):
    """An approved outcome that does not reach the highest level the submission required."""

    code = "insufficientApproval"

    def __init__(self, quote_id: str, required_level: int, approved_level: int) -> None:
        super().__init__(
            f"quote {quote_id!r} needs approval up to level {required_level}, the outcome reaches {approved_level}",
            quote_id=quote_id,
            required_level=required_level,
            approved_level=approved_level,
        )
