"""FEEL text -> syntax tree (:mod:`oms.engine.feel.ast`), with lark's LALR parser; results are cached."""

from __future__ import annotations

import re
import threading
from decimal import Decimal
from functools import lru_cache
from pathlib import Path as FilePath
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from oms.engine.feel import ast
from oms.engine.feel.builtins import multi_word_names
from oms.engine.feel.errors import FeelSyntaxError
from oms.engine.feel.temporal import parse_date, parse_duration, parse_feel_date_time, parse_time

_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t", "'": "'"}
_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)", re.DOTALL)


def _unescape(body: str) -> str:
    def replace(match: re.Match[str]) -> str:
        escape = match[1]
        if escape in _ESCAPES:
            return _ESCAPES[escape]
        if len(escape) == 5:
            return chr(int(escape[1:], 16))
        # Unknown escapes stay as written, so that regex patterns like "\d+" reach the regex engine.
        return match[0]

    return _ESCAPE_RE.sub(replace, body)


def _name(token: Token) -> str:
    text = str(token)
    if token.type == "BACKTICK_NAME":
        return text[1:-1]
    # Multi-word names may be written with any whitespace between the words.
    return " ".join(text.split())


class _TemporalLiteralError(ValueError):
    def __init__(self, message: str, token: Token) -> None:
        super().__init__(message)
        self.token = token


def _temporal(token: Token) -> Any:
    text = _unescape(str(token)[2:-1])
    try:
        if text.lstrip("+-").startswith("P"):
            return parse_duration(text)
        if "T" in text and text[:1].isdigit() and "-" in text[:5]:
            return parse_feel_date_time(text)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return parse_date(text)
        return parse_time(text)
    except ValueError as exc:
        raise _TemporalLiteralError(f"invalid temporal literal {token}: {exc}", token) from exc


def _present(items: tuple[Any, ...]) -> list[Any]:
    # lark passes None for an absent optional part ("[]", "f()").
    return [item for item in items if item is not None]


@v_args(inline=True)
class _ToAst(Transformer[Token, Any]):
    """Turns lark's parse tree into :mod:`ast` nodes while parsing (LALR calls it per reduction)."""

    def number(self, token: Token) -> ast.Node:
        return ast.Literal(Decimal(str(token)))

    def string(self, token: Token) -> ast.Node:
        return ast.Literal(_unescape(str(token)[1:-1]))

    def temporal(self, token: Token) -> ast.Node:
        return ast.Literal(_temporal(token))

    def true(self) -> ast.Node:
        return ast.Literal(True)

    def false(self) -> ast.Node:
        return ast.Literal(False)

    def null(self) -> ast.Node:
        return ast.Literal(None)

    def var(self, token: Token) -> ast.Node:
        return ast.Name(_name(token))

    def list_lit(self, *items: ast.Node | None) -> ast.Node:
        return ast.ListLiteral(tuple(_present(items)))

    def context_entry(self, key: Token, value: ast.Node) -> tuple[str, ast.Node]:
        return (_unescape(str(key)[1:-1]) if key.type == "STRING" else _name(key)), value

    def context_lit(self, *entries: tuple[str, ast.Node] | None) -> ast.Node:
        return ast.ContextLiteral(tuple(_present(entries)))

    def range_closed_closed(self, start: ast.Node, end: ast.Node) -> ast.Node:
        return ast.RangeLiteral(start, end, True, True)

    def range_closed_open(self, start: ast.Node, end: ast.Node) -> ast.Node:
        return ast.RangeLiteral(start, end, True, False)

    def range_open_closed(self, start: ast.Node, end: ast.Node) -> ast.Node:
        return ast.RangeLiteral(start, end, False, True)

    def range_open_open(self, start: ast.Node, end: ast.Node) -> ast.Node:
        return ast.RangeLiteral(start, end, False, False)

    def path(self, base: ast.Node, key: Token) -> ast.Node:
        return ast.Path(base, _name(key))

    def filter(self, base: ast.Node, condition: ast.Node) -> ast.Node:
        return ast.Filter(base, condition)

    def positional_args(self, *args: ast.Node) -> tuple[str, tuple[ast.Node, ...]]:
        return "positional", args

    def named_arg(self, key: Token, value: ast.Node) -> tuple[str, ast.Node]:
        return _name(key), value

    def named_args(self, *args: tuple[str, ast.Node]) -> tuple[str, tuple[tuple[str, ast.Node], ...]]:
        return "named", args

    def call(self, callee: ast.Node, arguments: tuple[str, Any] | None) -> ast.Node:
        if arguments is None:
            return ast.Call(callee)
        kind, args = arguments
        if kind == "named":
            return ast.Call(callee, (), tuple(args))
        return ast.Call(callee, tuple(args))

    def neg(self, operand: ast.Node) -> ast.Node:
        # Fold "-5" into a literal so that "xs[-1]" is recognised as an index at compile time.
        if isinstance(operand, ast.Literal) and isinstance(operand.value, Decimal):
            return ast.Literal(-operand.value)
        return ast.Negation(operand)

    def add(self, left: ast.Node, right: ast.Node) -> ast.Node:
        return ast.Arithmetic("+", left, right)

    def sub(self, left: ast.Node, right: ast.Node) -> ast.Node:
        return ast.Arithmetic("-", left, right)

    def mul(self, left: ast.Node, right: ast.Node) -> ast.Node:
        return ast.Arithmetic("*", left, right)

    def div(self, left: ast.Node, right: ast.Node) -> ast.Node:
        return ast.Arithmetic("/", left, right)

    def pow(self, left: ast.Node, right: ast.Node) -> ast.Node:
        return ast.Arithmetic("**", left, right)

    def compare(self, left: ast.Node, op: Token, right: ast.Node) -> ast.Node:
        return ast.Comparison(str(op), left, right)

    def and_expr(self, left: ast.Node, right: ast.Node) -> ast.Node:
        return ast.And(left, right)

    def or_expr(self, left: ast.Node, right: ast.Node) -> ast.Node:
        return ast.Or(left, right)

    def between(self, value: ast.Node, low: ast.Node, high: ast.Node) -> ast.Node:
        return ast.Between(value, low, high)

    def cmp_test(self, op: Token, operand: ast.Node) -> ast.UnaryTest:
        return ast.UnaryTest(str(op), operand)

    def value_test(self, operand: ast.Node) -> ast.UnaryTest:
        return ast.UnaryTest(None, operand)

    def in_tests(self, *tests: ast.UnaryTest) -> tuple[ast.UnaryTest, ...]:
        return tests

    def in_expr(self, value: ast.Node, tests: tuple[ast.UnaryTest, ...]) -> ast.Node:
        return ast.In(value, tests)

    def instance_of(self, value: ast.Node, _keyword: Token, type_name: Token) -> ast.Node:
        return ast.InstanceOf(value, " ".join(str(type_name).split()))

    def if_expr(self, condition: ast.Node, then: ast.Node, otherwise: ast.Node) -> ast.Node:
        return ast.If(condition, then, otherwise)

    def iteration(self, name: Token, domain: ast.Node, end: ast.Node | None) -> ast.Iteration:
        return ast.Iteration(_name(name), domain, end)

    def for_expr(self, *parts: Any) -> ast.Node:
        return ast.For(tuple(parts[:-1]), parts[-1])

    def some_expr(self, *parts: Any) -> ast.Node:
        return ast.Quantified(False, tuple(parts[:-1]), parts[-1])

    def every_expr(self, *parts: Any) -> ast.Node:
        return ast.Quantified(True, tuple(parts[:-1]), parts[-1])

    def function_def(self, *parts: Any) -> ast.Node:
        return ast.FunctionDefinition(tuple(_name(p) for p in _present(parts[:-1])), parts[-1])


def _grammar() -> str:
    text = (FilePath(__file__).parent / "grammar.lark").read_text(encoding="utf-8")
    names = "|".join(r"\s+".join(re.escape(word) for word in name.split()) for name in multi_word_names())
    # Only a multi-word name directly followed by "(" is a function name: "date and time(" is one
    # token, while "date and time" without parentheses stays a conjunction of two variables.
    return text + f"\nFUNC_NAME.2: /(?:{names})(?=\\s*\\()/\n"


@lru_cache(maxsize=1)
def _lark() -> Lark:
    return Lark(_grammar(), parser="lalr", lexer="contextual", transformer=_ToAst(), maybe_placeholders=True)


# lark's parser keeps no state between calls, but building it is guarded and parsing serialised anyway:
# it happens once per distinct expression text, so the lock costs nothing on the hot path.
_lock = threading.Lock()

_TOKEN_NAMES = {
    "$END": "end of expression",
    "NAME": "a name",
    "BACKTICK_NAME": "a `quoted name`",
    "FUNC_NAME": "a function name",
    "KEY": "a name followed by ':'",
    "CMP": "a comparison operator",
    "INSTANCE_OF": "'instance of'",
    "TYPE_NAME": "a type name",
    "NUMBER": "a number",
    "STRING": "a string",
    "TEMPORAL": 'a temporal literal @"..."',
}


def _describe_expected(parser: Lark, expected: set[str]) -> str:
    shown: set[str] = set()
    for name in expected:
        if name in _TOKEN_NAMES:
            shown.add(_TOKEN_NAMES[name])
            continue
        try:
            pattern = parser.get_terminal(name).pattern
        except KeyError:
            shown.add(name.lower())
            continue
        shown.add(f"'{pattern.value}'" if pattern.type == "str" else name.lower().replace("_", " "))
    return ", ".join(sorted(shown))


def _syntax_error(source: str, parser: Lark, exc: UnexpectedInput) -> FeelSyntaxError:
    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        where = f"at end of expression (offset {len(source)})"
        found = "end of expression"
    else:
        offset = exc.pos_in_stream or 0
        where = f"at line {exc.line}, column {exc.column} (offset {offset})"
        if isinstance(exc, UnexpectedCharacters):
            char = source[offset]
            found = "unterminated string" if char in '"@' else f"character {char!r}"
        elif isinstance(exc, UnexpectedToken):
            found = f"'{exc.token}'"
        else:
            found = "input"
    message = f"failed to parse FEEL expression '{source}': unexpected {found} {where}"
    expected = getattr(exc, "expected", None) or getattr(exc, "allowed", None)
    if expected:
        message += f"; expected {_describe_expected(parser, set(expected))}"
    return FeelSyntaxError(message)


@lru_cache(maxsize=4096)
def parse(source: str) -> ast.Node:
    """Parse FEEL text into a syntax tree; raises FeelSyntaxError naming the position of the problem."""
    if not source.strip():
        raise FeelSyntaxError(f"failed to parse FEEL expression '{source}': the expression is empty (offset 0)")
    with _lock:
        parser = _lark()
    try:
        with _lock:
            tree = parser.parse(source)
    except UnexpectedInput as exc:
        raise _syntax_error(source, parser, exc) from None
    except (_TemporalLiteralError, VisitError) as exc:
        error = exc.orig_exc if isinstance(exc, VisitError) else exc
        if not isinstance(error, _TemporalLiteralError):
            raise
        token = error.token
        raise FeelSyntaxError(
            f"failed to parse FEEL expression '{source}': {error} "
            f"at line {token.line}, column {token.column} (offset {token.start_pos})"
        ) from None
    if not isinstance(tree, ast.Node):
        raise FeelSyntaxError(f"failed to parse FEEL expression '{source}'")
    return tree
