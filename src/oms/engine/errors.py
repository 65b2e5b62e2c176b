"""Errors the engine's commands raise. Each maps to one HTTP status in the REST layer."""

from __future__ import annotations


class EngineError(Exception):
    """Base of every rejection of a command."""


class NotFoundError(EngineError):
    """The key names nothing the engine knows (404)."""


class InvalidStateError(EngineError):
    """The target exists but is not in a state that allows the command (409)."""


class InvalidArgumentError(EngineError):
    """The command's arguments are wrong (400)."""


class AlreadyExistsError(EngineError):
    """Something with the same identity exists already (409), e.g. a buffered message id."""


class DeploymentRejectedError(InvalidArgumentError):
    """A deployment was refused; ``problems`` say which element and what is wrong."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems
