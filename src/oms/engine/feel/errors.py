"""The two failures a FEEL expression can raise; everything else evaluates to null."""

from __future__ import annotations


class FeelSyntaxError(ValueError):
    """The expression text does not parse; the message names what went wrong and where."""


class FeelEvaluationError(ValueError):
    """Evaluation cannot go on: unknown function, wrong arguments count, failed ``assert``, bad pattern."""
