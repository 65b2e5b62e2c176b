from __future__ import annotations

from oms.domain.shared.errors import DomainError


class TaskNotFailed(DomainError):
    """A fallout case is opened for a task that failed with a business error, and only then."""

    code = "taskNotFailed"

    def __init__(self, task_id: str, state: str) -> None:
        super().__init__(f"task {task_id!r} is {state}, not failed", task_id=task_id, state=state)


class WrongPlan(DomainError):
    code = "wrongPlan"

    def __init__(self, case_id: str, expected: str, given: str) -> None:
        super().__init__(
            f"fallout case {case_id!r} belongs to plan {expected!r}, not {given!r}",
            case_id=case_id,
            expected=expected,
            given=given,
        )


class ReasonRequired(DomainError):
    code = "reasonRequired"

    def __init__(self, case_id: str, action: str) -> None:
        super().__init__(f"fallout case {case_id!r}: {action} needs a reason", case_id=case_id, action=action)


class RepairNotApplicable(DomainError):
    code = "repairNotApplicable"

    def __init__(self, case_id: str, repair: str, reason: str) -> None:
        super().__init__(
            f"fallout case {case_id!r}: cannot {repair}: {reason}", case_id=case_id, repair=repair, reason=reason
        )
