"""FEEL, the expression language of BPMN (Camunda 8 / Zeebe semantics, as FEEL-scala implements them).

Usage::

    expression = compile_expression('order.total > 100 and customer.tier = "gold"')
    expression.evaluate({"order": {"total": 120}, "customer": {"tier": "gold"}})  # True

``source`` is the text after BPMN's leading ``=``. Parsing happens once per distinct text (cached);
evaluation runs compiled closures.

Supported:

* literals: numbers (``Decimal``, 34 digits), strings with escapes, ``true``/``false``/``null``, lists,
  contexts (``{a: 1, "b c": 2, b: a + 1}``), ranges (``[1..10)``), temporals (``@"2024-01-01"``,
  ``@"PT5M"``, ``@"10:00:00"``, ``@"2024-01-01T10:00:00@Europe/Berlin"``);
* names and paths (``order.items``; a path over a list maps: ``items.price``; temporal properties such as
  ``d.year``, ``duration.hours``), backtick names (```a b```), filters (``xs[price > 10]``,
  ``[1, 2, 3][item > 1]``) and 1-based / negative indexes (out of range is null);
* ``+ - * / **``, unary minus, ``= != < <= > >=``, ``and``/``or`` (three-valued), ``between``,
  ``in`` with a value, list, range, ``< 5``-style test or a parenthesised list of such tests,
  ``instance of``;
* ``if … then … else``, ``for`` (several variables, integer ranges ``1..3``, ``partial``), ``some`` /
  ``every … satisfies``, ``function(a, b) …`` definitions, calls with positional or named arguments;
* temporal arithmetic (date/date-time/time +/- durations, date - date, duration * or / number);
* builtins: see :mod:`oms.engine.feel.builtins` (strings, numbers, lists, contexts, temporal,
  conversion, boolean), including Camunda's extensions ``get or else``, ``assert``, ``is empty``,
  ``is blank``, ``extract``, ``trim``, ``partition``, ``duplicate values``, ``last day of month``.

Errors: a missing variable, a missing context entry, a type mismatch, an incomparable comparison, a
division by zero or an invalid argument to a builtin evaluate to null. :class:`FeelSyntaxError` is
raised by :func:`compile_expression`; :class:`FeelEvaluationError` by ``evaluate`` only for an unknown
function, a wrong number (or names) of arguments, a failed ``assert`` and an invalid regular expression.

Deliberate deviations from the DMN FEEL specification / FEEL-scala:

* an unknown function or a wrong number of arguments raises (recent Camunda versions return null
  with a warning) so that typos surface as incidents instead of silently false conditions;
* ``is defined(x)`` is ``x != null`` (Camunda 8.4+ semantics; a null variable counts as undefined);
* regular expressions are Python's ``re`` (close to, but not exactly, XPath/Java regex; no ``\\p{..}``);
* no ``]a..b[`` interval notation, no ``?`` unary-test input, no ``not(...)`` negated unary tests;
  names with spaces only as builtin function names, context keys, named arguments and ```backtick```
  names; no typed function parameters, no external (Java) functions, no ``list<…>`` in ``instance of``;
* a filter on a single value treats it as a one-element list (``"abc"[1]`` is ``"abc"``);
* date-times keep Python's microsecond resolution (nanoseconds are truncated);
* a zoned date-time is written ``2024-01-01T10:00:00@Europe/Berlin`` in JSON output and ``string()``.
"""

from __future__ import annotations

from functools import lru_cache

from oms.engine.feel.errors import FeelEvaluationError, FeelSyntaxError
from oms.engine.feel.interpreter import CompiledExpression, compile_tree
from oms.engine.feel.parser import parse
from oms.engine.feel.values import YearsMonthsDuration, from_json, to_json

__all__ = [
    "CompiledExpression",
    "FeelEvaluationError",
    "FeelSyntaxError",
    "YearsMonthsDuration",
    "compile_expression",
    "from_json",
    "to_json",
]


@lru_cache(maxsize=4096)
def compile_expression(source: str) -> CompiledExpression:
    """Parse and compile FEEL text (without BPMN's leading ``=``); raises FeelSyntaxError."""
    return compile_tree(source, parse(source))
