"""The Quote aggregate (TMF648 v4) with its lifecycle, items and events."""

from oms.domain.quote.errors import (
    EmptyQuote,
    InsufficientApproval,
    InvalidQuoteValidity,
    PriceDoesNotMatchItems,
    QuoteAlreadySuperseded,
    QuoteStillValid,
    QuoteValidityEnded,
    StaleApprovalOutcome,
)
from oms.domain.quote.events import (
    QuoteAccepted,
    QuoteApprovalDeclined,
    QuoteApprovalRequested,
    QuoteApproved,
    QuoteCancelled,
    QuoteCreated,
    QuoteExpired,
    QuoteItemsChanged,
    QuoteRejected,
    QuoteSubmitted,
)
from oms.domain.quote.items import AuthorizationState, QuoteAuthorization, QuoteItem
from oms.domain.quote.lifecycle import ALLOWED_FROM, EDGES, QuoteAction, QuoteState
from oms.domain.quote.model import Quote

__all__ = [
    "ALLOWED_FROM",
    "EDGES",
    "AuthorizationState",
    "EmptyQuote",
    "InsufficientApproval",
    "InvalidQuoteValidity",
    "PriceDoesNotMatchItems",
    "Quote",
    "QuoteAccepted",
    "QuoteAction",
    "QuoteAlreadySuperseded",
    "QuoteApprovalDeclined",
    "QuoteApprovalRequested",
    "QuoteApproved",
    "QuoteAuthorization",
    "QuoteCancelled",
    "QuoteCreated",
    "QuoteExpired",
    "QuoteItem",
    "QuoteItemsChanged",
    "QuoteRejected",
    "QuoteState",
    "QuoteStillValid",
    "QuoteSubmitted",
    "QuoteValidityEnded",
    "StaleApprovalOutcome",
]
