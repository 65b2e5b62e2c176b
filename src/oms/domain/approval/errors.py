from __future__ import annotations

from oms.domain.shared.errors import DomainError


class InvalidApprovalPolicy(DomainError):
    code = "invalidApprovalPolicy"

    def __init__(self, reason: str) -> None:
        super().__init__(f"approval policy is invalid: {reason}", reason=reason)


class NoApprovalNeeded(DomainError):
    """An approval case was opened for a requirement without any level."""

    code = "noApprovalNeeded"

    def __init__(self, quote_id: str) -> None:
        super().__init__(f"quote {quote_id!r} needs no approval; no case can be opened", quote_id=quote_id)


class WrongApprovalLevel(DomainError):
    """The decision is for a level (role) other than the one the case waits for."""

    code = "wrongApprovalLevel"

    def __init__(self, case_id: str, expected_level: int, expected_role: str, given_role: str) -> None:
        super().__init__(
            f"approval case {case_id!r} waits for level {expected_level} ({expected_role}),"
            f" not for role {given_role!r}",
            case_id=case_id,
            expected_level=expected_level,
            expected_role=expected_role,
            given_role=given_role,
        )


class ApproverAlreadyDecided(DomainError):
    """Segregation of duties: one person approves at most one level of a case."""

    code = "approverAlreadyDecided"

    def __init__(self, case_id: str, approver_id: str, level: int) -> None:
        super().__init__(
            f"approval case {case_id!r}: approver {approver_id!r} already decided level {level}",
            case_id=case_id,
            approver_id=approver_id,
            level=level,
        )


class CannotEscalate(DomainError):
    code = "cannotEscalate"

    def __init__(self, case_id: str, level: int) -> None:
        super().__init__(
            f"approval case {case_id!r}: level {level} is the highest level, there is none to escalate to",
            case_id=case_id,
            level=level,
        )


class ApprovalNotComplete(DomainError):
    code = "approvalNotComplete"

    def __init__(self, case_id: str, state: str) -> None:
        super().__init__(f"approval case {case_id!r} is {state}, it has no outcome yet", case_id=case_id, state=state)
