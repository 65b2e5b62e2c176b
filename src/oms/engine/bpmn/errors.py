"""Deploy-time problems found in a BPMN resource.

The parser collects every ``Problem`` of a resource before raising, so that a modeler fixing a
diagram sees the whole list at once instead of one error per deploy attempt.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a resource; ``element_id``/``line`` are None when they don't apply."""

    element_id: str | None
    line: int | None
    message: str

    def __str__(self) -> str:
        where: list[str] = []
        if self.element_id is not None:
            where.append(f"Element '{self.element_id}'")
        if self.line is not None:
            where.append(f"(line {self.line})" if where else f"Line {self.line}")
        return f"{' '.join(where)}: {self.message}" if where else self.message


class BpmnValidationError(Exception):
    """The resource cannot be deployed; ``problems`` lists everything that is wrong with it."""

    def __init__(self, resource_name: str, problems: Iterable[Problem]) -> None:
        self.resource_name = resource_name
        self.problems: list[Problem] = list(problems)
        lines = "\n".join(f"- {problem}" for problem in self.problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"'{resource_name}' is not a deployable BPMN resource ({count} {noun}):\n{lines}")
