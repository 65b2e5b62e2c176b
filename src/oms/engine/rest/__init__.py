"""The embedded engine's Camunda-compatible REST API (v2 subset): ``create_app(engine)``."""

from oms.engine.rest.app import create_app
from oms.engine.rest.auth import AuthConfig
from oms.engine.rest.context import RestSettings

__all__ = ["AuthConfig", "RestSettings", "create_app"]
