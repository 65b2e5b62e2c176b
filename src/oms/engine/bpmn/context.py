"""What every element parser shares: the problem list, the definitions' messages and errors,
and the rules for expression values.

Element parsers never raise for a modelling mistake: they report a ``Problem`` here and go on
with a best-effort value, so that one deploy lists every mistake of the resource.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from oms.engine.bpmn.errors import Problem
from oms.engine.bpmn.model import Expression
from oms.engine.bpmn.xml_support import XmlElement, line_of
from oms.engine.feel import FeelSyntaxError, compile_expression

# A variable name usable as a FEEL name without quoting; the engine keys variables by it.
_VARIABLE_NAME = re.compile(r"^[^\W\d]\w*$")
_FEEL_RESERVED = frozenset(
    {
        "true", "false", "null", "and", "or", "not", "if", "then", "else", "for", "in", "return",
        "some", "every", "satisfies", "instance", "of", "function", "external", "between",
    }
)  # fmt: skip


@dataclass(frozen=True)
class At:
    """Where a problem is: the flow element it belongs to and the line of the XML that shows it."""

    element_id: str | None
    line: int | None

    @staticmethod
    def of(element: XmlElement, owner_id: str | None = None) -> At:
        """``element``'s line, charged to ``owner_id`` (default: the element's own id)."""
        return At(owner_id if owner_id is not None else element.get("id"), line_of(element))


@dataclass
class ParseContext:
    """State of one ``parse_bpmn`` call: the root-level messages and errors by id, and the problems."""

    messages: Mapping[str, XmlElement] = field(default_factory=dict)
    errors: Mapping[str, XmlElement] = field(default_factory=dict)
    escalations: Mapping[str, XmlElement] = field(default_factory=dict)
    signals: Mapping[str, XmlElement] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def report(self, at: At, message: str) -> None:
        self.problems.append(Problem(at.element_id, at.line, message))

    def expression(self, text: str, at: At, where: str) -> Expression:
        """A model value: FEEL (compiled now, to fail at deploy) when it starts with ``=``, else static."""
        stripped = text.strip()
        if not stripped.startswith("="):
            return Expression(source=text)
        source = stripped[1:].strip()
        if not source:
            self.report(at, f"empty FEEL expression in {where} '{text}'")
            return Expression(source=source)
        try:
            return Expression(source=source, feel=compile_expression(source))
        except FeelSyntaxError as exc:
            self.report(at, f"invalid FEEL in {where} '{text}': {exc}")
            return Expression(source=source)

    def feel_expression(self, text: str, at: At, where: str) -> Expression:
        """A value that must be FEEL (conditions, scripts): static text is a modelling mistake."""
        if not text.strip().startswith("="):
            self.report(at, f"{where} '{text}' must be a FEEL expression starting with '='")
            return Expression(source=text)
        return self.expression(text, at, where)

    def check_variable_name(self, name: str, at: At, where: str) -> None:
        if not is_variable_name(name):
            self.report(at, f"{where} '{name}' is not a valid variable name")

    def check_variable_path(self, path: str, at: At, where: str) -> None:
        """A mapping target: a variable name, or a path into a context (``order.total``) as Zeebe allows."""
        if not all(is_variable_name(part) for part in path.split(".")):
            self.report(at, f"{where} '{path}' is not a valid variable name or path")


def is_variable_name(name: str) -> bool:
    return bool(_VARIABLE_NAME.match(name)) and name not in _FEEL_RESERVED
