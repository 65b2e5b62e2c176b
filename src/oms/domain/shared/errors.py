"""The root of every rule violation the domain reports.

Each error names the thing concerned and what is wrong with it, both in its message and in
``details`` (plain data), so the API layer can render a problem document without parsing text.
``code`` is a stable, machine-readable name for the kind of error."""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """A command or a value broke a business rule."""

    code: ClassVar[str] = "domainError"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.details}


class IllegalTransition(DomainError):
    """The aggregate's state does not allow the command (e.g. accepting a quote still in progress)."""

    code = "illegalTransition"

    def __init__(self, aggregate: str, aggregate_id: str, from_state: str, action: str) -> None:
        # States and actions are often StrEnums; their plain value reads better than their repr.
        from_state, action = str(from_state), str(action)
        super().__init__(
            f"{aggregate} {aggregate_id!r}: cannot {action} in state {from_state!r}",
            aggregate=aggregate,
            aggregate_id=aggregate_id,
            from_state=from_state,
            action=action,
        )
        self.aggregate = aggregate
        self.aggregate_id = aggregate_id
        self.from_state = from_state
        self.action = action


class NotAuthorized(DomainError):
    """The actor may not perform the action (the rules live in ``oms.domain.approval.authorization``)."""

    code = "notAuthorized"

    def __init__(self, actor_id: str, actor_kind: str, action: str, reason: str) -> None:
        super().__init__(
            f"actor {actor_id!r} ({actor_kind}) may not {action}: {reason}",
            actor_id=actor_id,
            actor_kind=actor_kind,
            action=action,
            reason=reason,
        )
        self.actor_id = actor_id
        self.actor_kind = actor_kind
        self.action = action
        self.reason = reason


class InvalidMoney(DomainError):
    code = "invalidMoney"

    def __init__(self, amount: object, currency: object, reason: str) -> None:
        super().__init__(f"invalid money {amount!r} {currency!r}: {reason}", amount=str(amount), currency=str(currency))
        self.reason = reason


class CurrencyMismatch(DomainError):
    """Two amounts in different currencies met; the domain never converts currencies."""

    code = "currencyMismatch"

    def __init__(self, left: str, right: str, operation: str) -> None:
        super().__init__(
            f"cannot {operation} amounts in {left} and {right}", left=left, right=right, operation=operation
        )


class InvalidPercentage(DomainError):
    code = "invalidPercentage"

    def __init__(self, what: str, value: object) -> None:
        super().__init__(f"{what}: {value!r} is not a percentage between 0 and 100", what=what, value=str(value))
        self.what = what
        self.value = value


class InvalidTime(DomainError):
    """A time was naive or not in UTC; every time in the domain is timezone-aware UTC."""

    code = "invalidTime"

    def __init__(self, what: str, value: object, reason: str) -> None:
        super().__init__(f"{what}: {value!r} {reason}", what=what, value=str(value), reason=reason)
