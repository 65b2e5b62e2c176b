"""The quote's states and the edges between them, as drawn in the TMF648 v4 quote lifecycle
(shared/specs/lifecycles/tmf648-quote.png), plus one documented extension: ``expired``.

Edges of the picture:
    (start) -> inProgress
    inProgress -> pending, pending -> inProgress        (waiting for, and back from, approval)
    inProgress -> approved                              (the only way into approved)
    inProgress -> cancelled, pending -> cancelled       (approved cannot be cancelled)
    approved -> accepted, approved -> rejected          (the customer's answer)
    rejected -> (start) of a new quote, version V+1
Extension: inProgress, pending, approved -> expired, when the validity period (validFor) ends;
TMF648 v4 has a validity period but no state for a quote past it.

There is no edge pending -> approved: an approval takes the quote back to inProgress (pending ->
inProgress) and, since every required authorization is now given, on to approved (inProgress ->
approved) in the same command. A declined approval stops at inProgress, where the quote can be
reworked and submitted again. ``rejected`` is reserved for the customer's rejection."""

from __future__ import annotations

from enum import StrEnum


class QuoteState(StrEnum):
    IN_PROGRESS = "inProgress"
    PENDING = "pending"
    APPROVED = "approved"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # extension, see the module docstring

    @property
    def is_final(self) -> bool:
        return self in _FINAL


_FINAL = frozenset({QuoteState.ACCEPTED, QuoteState.REJECTED, QuoteState.CANCELLED, QuoteState.EXPIRED})

S = QuoteState
EDGES: frozenset[tuple[QuoteState, QuoteState]] = frozenset(
    {
        (S.IN_PROGRESS, S.PENDING),
        (S.PENDING, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.APPROVED),
        (S.IN_PROGRESS, S.CANCELLED),
        (S.PENDING, S.CANCELLED),
        (S.APPROVED, S.ACCEPTED),
        (S.APPROVED, S.REJECTED),
        # extension: expiry at the end of validity
        (S.IN_PROGRESS, S.EXPIRED),
        (S.PENDING, S.EXPIRED),
        (S.APPROVED, S.EXPIRED),
    }
)


class QuoteAction(StrEnum):
    """The commands, as the names used in ``IllegalTransition`` and in the state table."""

    CHANGE_ITEMS = "change items"
    SUBMIT = "submit"
    APPLY_APPROVAL_OUTCOME = "apply an approval outcome"
    ACCEPT = "accept"
    REJECT = "reject"
    CANCEL = "cancel"
    EXPIRE = "expire"
    NEW_VERSION = "create a new version"


# From which states each command may start (the rest of the state table follows from EDGES).
ALLOWED_FROM: dict[QuoteAction, frozenset[QuoteState]] = {
    QuoteAction.CHANGE_ITEMS: frozenset({S.IN_PROGRESS}),
    QuoteAction.SUBMIT: frozenset({S.IN_PROGRESS}),
    QuoteAction.APPLY_APPROVAL_OUTCOME: frozenset({S.PENDING}),
    QuoteAction.ACCEPT: frozenset({S.APPROVED}),
    QuoteAction.REJECT: frozenset({S.APPROVED}),
    QuoteAction.CANCEL: frozenset({S.IN_PROGRESS, S.PENDING}),
    QuoteAction.EXPIRE: frozenset({S.IN_PROGRESS, S.PENDING, S.APPROVED}),
    QuoteAction.NEW_VERSION: frozenset({S.REJECTED}),
}
