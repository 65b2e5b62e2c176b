"""The FEEL syntax tree the parser produces and the interpreter compiles; immutable and hashable."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class Node:
    """Base of every syntax tree node."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Literal(Node):
    value: Any


@dataclass(frozen=True, slots=True)
class Name(Node):
    name: str


@dataclass(frozen=True, slots=True)
class Path(Node):
    base: Node
    key: str


@dataclass(frozen=True, slots=True)
class Filter(Node):
    base: Node
    condition: Node


@dataclass(frozen=True, slots=True)
class Call(Node):
    callee: Node
    args: tuple[Node, ...] = ()
    named: tuple[tuple[str, Node], ...] | None = None  # set instead of args for named arguments


@dataclass(frozen=True, slots=True)
class ListLiteral(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class ContextLiteral(Node):
    entries: tuple[tuple[str, Node], ...]


@dataclass(frozen=True, slots=True)
class RangeLiteral(Node):
    start: Node
    end: Node
    start_included: bool
    end_included: bool


@dataclass(frozen=True, slots=True)
class Negation(Node):
    operand: Node


@dataclass(frozen=True, slots=True)
class Arithmetic(Node):
    op: str  # one of + - * / **
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Comparison(Node):
    op: str  # one of = != < <= > >=
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class And(Node):
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Or(Node):
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Between(Node):
    value: Node
    low: Node
    high: Node


@dataclass(frozen=True, slots=True)
class UnaryTest(Node):
    """One test after ``in``: ``< 5`` (op set) or a plain value, list or range (op None)."""

    op: str | None
    operand: Node


@dataclass(frozen=True, slots=True)
class In(Node):
    value: Node
    tests: tuple[UnaryTest, ...]


@dataclass(frozen=True, slots=True)
class InstanceOf(Node):
    value: Node
    type_name: str


@dataclass(frozen=True, slots=True)
class If(Node):
    condition: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True, slots=True)
class Iteration(Node):
    """``name in domain`` or ``name in start..end``."""

    name: str
    domain: Node
    end: Node | None = None


@dataclass(frozen=True, slots=True)
class For(Node):
    iterations: tuple[Iteration, ...]
    body: Node


@dataclass(frozen=True, slots=True)
class Quantified(Node):
    every: bool  # False: some ... satisfies
    iterations: tuple[Iteration, ...]
    condition: Node


@dataclass(frozen=True, slots=True)
class FunctionDefinition(Node):
    params: tuple[str, ...]
    body: Node
