"""The table of built-in functions and the decorator the builtin modules register with."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class Builtin:
    """One built-in function. Optional parameters are trailing; ``varargs`` collects the rest."""

    name: str
    params: tuple[str, ...]
    required: int
    varargs: bool
    needs_now: bool  # the implementation takes the evaluation's clock as first argument
    impl: Callable[..., Any]

    def accepts(self, count: int) -> bool:
        if count < self.required:
            return False
        return self.varargs or count <= len(self.params)

    def order_named(self, names: Iterable[str]) -> list[int] | None:
        """Positions of the given named arguments, or None when they do not fit the parameters."""
        positions: list[int] = []
        for name in names:
            if name not in self.params:
                return None
            positions.append(self.params.index(name))
        if len(set(positions)) != len(positions):
            return None
        if any(index not in positions for index in range(self.required)):
            return None
        return positions


# Name -> overloads (e.g. date(from) and date(year, month, day)); the first that fits the call wins.
BUILTINS: dict[str, list[Builtin]] = {}


def builtin(name: str, *params: str, varargs: bool = False, needs_now: bool = False) -> Callable[[_F], _F]:
    """Register the decorated function as FEEL builtin ``name``.

    Stack the decorator to declare overloads with other parameter names. A parameter ending in ``?`` is
    optional; with ``varargs`` the last parameter takes all remaining
    arguments (mark it optional too when zero of them is fine).
    """

    def register(impl: _F) -> _F:
        names = tuple(p.rstrip("?") for p in params)
        required = sum(1 for p in params if not p.endswith("?"))
        BUILTINS.setdefault(name, []).append(Builtin(name, names, required, varargs, needs_now, impl))
        return impl

    return register


def multi_word_names() -> list[str]:
    """Builtin names with spaces, which the lexer must read as one token (``string length``)."""
    return sorted((n for n in BUILTINS if " " in n), key=len, reverse=True)


def resolve(name: str, count: int) -> Builtin | None:
    """The overload of ``name`` taking ``count`` positional arguments."""
    return next((f for f in BUILTINS.get(name, ()) if f.accepts(count)), None)


def resolve_named(name: str, names: tuple[str, ...]) -> tuple[Builtin, list[int]] | None:
    """The overload of ``name`` with parameters called ``names``, and the position of each argument."""
    for function in BUILTINS.get(name, ()):
        positions = function.order_named(names)
        if positions is not None:
            return function, positions
    return None
