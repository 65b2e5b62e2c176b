"""String builtins. Positions are 1-based and count code points, as in FEEL."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

from oms.engine.feel.builtins.common import integer
from oms.engine.feel.builtins.registry import builtin
from oms.engine.feel.errors import FeelEvaluationError

_FLAGS = {"i": re.IGNORECASE, "s": re.DOTALL, "m": re.MULTILINE, "x": re.VERBOSE}


@lru_cache(maxsize=512)
def _compile(pattern: str, flags: str) -> re.Pattern[str]:
    options = 0
    for flag in flags:
        if flag == "q":
            continue
        if flag not in _FLAGS:
            raise FeelEvaluationError(f"invalid regular expression flag '{flag}' in '{flags}'")
        options |= _FLAGS[flag]
    # XPath's "q" flag: the pattern is a literal string.
    text = re.escape(pattern) if "q" in flags else pattern
    try:
        return re.compile(text, options)
    except re.error as exc:
        raise FeelEvaluationError(f"invalid regular expression '{pattern}': {exc}") from exc


def regex(pattern: Any, flags: Any = None) -> re.Pattern[str] | None:
    if not isinstance(pattern, str) or not (flags is None or isinstance(flags, str)):
        return None
    return _compile(pattern, flags or "")


@builtin("string length", "string")
def string_length(value: Any) -> Any:
    return Decimal(len(value)) if isinstance(value, str) else None


@builtin("substring", "string", "start position", "length?")
def substring(value: Any, start: Any, length: Any = None) -> Any:
    begin = integer(start)
    if not isinstance(value, str) or begin is None:
        return None
    # FEEL-scala: a positive start counts from 1, a negative one from the end.
    index = max(begin - 1 if begin > 0 else len(value) + begin, 0)
    if length is None:
        return value[index:]
    count = integer(length)
    if count is None or count < 0:
        return None
    return value[index : index + count]


@builtin("upper case", "string")
def upper_case(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else None


@builtin("lower case", "string")
def lower_case(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else None


@builtin("substring before", "string", "match")
def substring_before(value: Any, match: Any) -> Any:
    if not (isinstance(value, str) and isinstance(match, str)):
        return None
    index = value.find(match)
    return value[:index] if index >= 0 else ""


@builtin("substring after", "string", "match")
def substring_after(value: Any, match: Any) -> Any:
    if not (isinstance(value, str) and isinstance(match, str)):
        return None
    index = value.find(match)
    return value[index + len(match) :] if index >= 0 else ""


@builtin("contains", "string", "match")
def contains(value: Any, match: Any) -> Any:
    return match in value if isinstance(value, str) and isinstance(match, str) else None


@builtin("starts with", "string", "match")
def starts_with(value: Any, match: Any) -> Any:
    return value.startswith(match) if isinstance(value, str) and isinstance(match, str) else None


@builtin("ends with", "string", "match")
def ends_with(value: Any, match: Any) -> Any:
    return value.endswith(match) if isinstance(value, str) and isinstance(match, str) else None


@builtin("matches", "input", "pattern", "flags?")
def matches(value: Any, pattern: Any, flags: Any = None) -> Any:
    compiled = regex(pattern, flags)
    if compiled is None or not isinstance(value, str):
        return None
    # XPath fn:matches is true when the pattern matches anywhere in the input.
    return compiled.search(value) is not None


def _expand(template: str, match: re.Match[str]) -> str:
    """XPath replacement text: ``$1`` is a group, ``\\$`` and ``\\\\`` are literal characters."""
    out: list[str] = []
    index = 0
    while index < len(template):
        char = template[index]
        if char == "\\" and index + 1 < len(template):
            out.append(template[index + 1])
            index += 2
        elif char == "$" and index + 1 < len(template) and template[index + 1].isdigit():
            end = index + 1
            while end < len(template) and template[end].isdigit():
                end += 1
            group = int(template[index + 1 : end])
            out.append((match.group(group) or "") if group <= (match.re.groups or 0) else "")
            index = end
        else:
            out.append(char)
            index += 1
    return "".join(out)


@builtin("replace", "input", "pattern", "replacement", "flags?")
def replace(value: Any, pattern: Any, replacement: Any, flags: Any = None) -> Any:
    compiled = regex(pattern, flags)
    if compiled is None or not isinstance(value, str) or not isinstance(replacement, str):
        return None
    return compiled.sub(lambda match: _expand(replacement, match), value)


@builtin("split", "string", "delimiter")
def split(value: Any, delimiter: Any) -> Any:
    compiled = regex(delimiter)
    if compiled is None or not isinstance(value, str):
        return None
    if compiled.groups:
        # re.split would also return the groups' text; FEEL returns only the parts between matches.
        parts: list[str] = []
        start = 0
        for match in compiled.finditer(value):
            parts.append(value[start : match.start()])
            start = match.end()
        parts.append(value[start:])
        return parts
    return compiled.split(value)


@builtin("extract", "string", "pattern")
def extract(value: Any, pattern: Any) -> Any:
    compiled = regex(pattern)
    if compiled is None or not isinstance(value, str):
        return None
    return [match.group(0) for match in compiled.finditer(value)]


@builtin("trim", "string")
def trim(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else None


@builtin("is blank", "string")
def is_blank(value: Any) -> Any:
    return not value.strip() if isinstance(value, str) else None
