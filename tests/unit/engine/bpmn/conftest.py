"""Fixtures for the BPMN parser tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixture_xml() -> Callable[[str], bytes]:
    """Read a Modeler-like file of ``fixtures/`` as bytes: ``fixture_xml("tasks.bpmn")``."""

    def read(name: str) -> bytes:
        return (FIXTURES / name).read_bytes()

    return read
