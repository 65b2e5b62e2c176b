"""Compiles a FEEL syntax tree once into nested Python closures and evaluates them against variables.

The closures are built by :mod:`expressions` and :mod:`control` (imported here so that they register
their node compilers). Evaluation never parses or walks the syntax tree again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from oms.engine.feel import control, expressions  # noqa: F401  (they register the node compilers)
from oms.engine.feel.ast import Node
from oms.engine.feel.errors import FeelEvaluationError
from oms.engine.feel.scope import Env, Evaluator, compile_node

_NO_LOCALS: dict[str, Any] = {}  # shared by every evaluation's root scope; never mutated


@dataclass(frozen=True, slots=True)
class CompiledExpression:
    """A compiled FEEL expression: immutable, hashable by its text, safe to share across threads."""

    source: str
    _evaluator: Evaluator = field(repr=False, compare=False)

    def evaluate(self, variables: Mapping[str, Any], *, now: datetime | None = None) -> Any:
        """Evaluate against ``variables`` (JSON-like Python or FEEL values); ``now`` is the engine clock.

        Returns a FEEL value. Raises FeelEvaluationError for an unknown function, a wrong number of
        arguments or a failed ``assert``; everything else that cannot be computed is None (null).
        """
        try:
            return self._evaluator(Env(_NO_LOCALS, variables, now, {}))
        except FeelEvaluationError:
            raise
        except RecursionError as exc:
            raise FeelEvaluationError(f"failed to evaluate '{self.source}': too deeply nested") from exc
        except Exception as exc:
            # A bug in a builtin must become an incident with a message, not crash the engine's loop.
            raise FeelEvaluationError(f"failed to evaluate '{self.source}': {exc!r}") from exc


def compile_tree(source: str, tree: Node) -> CompiledExpression:
    return CompiledExpression(source, compile_node(tree))
