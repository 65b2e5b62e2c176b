from __future__ import annotations

from collections.abc import Sequence

from oms.domain.shared.errors import DomainError


class InvalidRuleSet(DomainError):
    code = "invalidRuleSet"

    def __init__(self, name: str, problems: list[str]) -> None:
        super().__init__(f"rule set {name!r} is invalid: " + "; ".join(problems), name=name, problems=problems)
        self.problems = problems


class NoDecompositionRule(DomainError):
    """No rule says how to fulfil this item (the consistency check at order creation should have
    rejected the order already)."""

    code = "noDecompositionRule"

    def __init__(self, item_id: str, offering_id: str, change: str) -> None:
        super().__init__(
            f"no decomposition rule for item {item_id!r} ({offering_id}, {change})",
            item_id=item_id,
            offering_id=offering_id,
            change=change,
        )


class InvalidPlan(DomainError):
    """A plan's tasks do not form a valid plan (duplicate ids, unknown dependencies, a cycle)."""

    code = "invalidPlan"

    def __init__(self, plan_id: str, problems: list[str]) -> None:
        super().__init__(f"plan {plan_id!r} is invalid: " + "; ".join(problems), plan_id=plan_id, problems=problems)
        self.problems = problems


class UnknownTask(DomainError):
    code = "unknownTask"

    def __init__(self, plan_id: str, task_id: str) -> None:
        super().__init__(f"plan {plan_id!r} has no task {task_id!r}", plan_id=plan_id, task_id=task_id)


class DependenciesNotDone(DomainError):
    """A task was started before the tasks it waits for were completed or skipped."""

    code = "dependenciesNotDone"

    def __init__(self, task_id: str, waiting_for: Sequence[str]) -> None:
        super().__init__(
            f"task {task_id!r} waits for {', '.join(waiting_for)}", task_id=task_id, waiting_for=list(waiting_for)
        )


class PlanNotClosable(DomainError):
    """Closing needs every task completed or skipped."""

    code = "planNotClosable"

    def __init__(self, plan_id: str, unfinished: Sequence[str]) -> None:
        super().__init__(
            f"plan {plan_id!r} still has unfinished tasks: {', '.join(unfinished)}",
            plan_id=plan_id,
            unfinished=list(unfinished),
        )


class EvidenceRequired(DomainError):
    code = "evidenceRequired"

    def __init__(self, task_id: str) -> None:
        super().__init__(f"task {task_id!r} can be completed by hand only with evidence", task_id=task_id)


class PointOfNoReturnPassed(DomainError):
    """A change would undo tasks whose effect cannot be undone."""

    code = "pointOfNoReturnPassed"

    def __init__(self, plan_id: str, task_ids: Sequence[str]) -> None:
        super().__init__(
            f"plan {plan_id!r}: tasks past their point of no return: {', '.join(task_ids)}",
            plan_id=plan_id,
            task_ids=list(task_ids),
        )


class StaleRevision(DomainError):
    """A revision computed on an older version of the plan."""

    code = "staleRevision"

    def __init__(self, plan_id: str, based_on: int, current: int) -> None:
        super().__init__(
            f"plan {plan_id!r}: the revision was computed on version {based_on}, the plan is at {current}",
            plan_id=plan_id,
            based_on=based_on,
            current=current,
        )


class ProtectedParameters(DomainError):
    """Parameters whose names start with ``@`` are the plan's own (the product id, prices, the
    values before a change): a repair cannot correct them."""

    code = "protectedParameters"

    def __init__(self, task_id: str, names: Sequence[str]) -> None:
        super().__init__(
            f"task {task_id!r}: {', '.join(names)} cannot be corrected by a repair", task_id=task_id, names=list(names)
        )
