"""Domain unit tests: pure Python, no database. Builders live in ``domain_builders`` (importable
because pytest puts this directory on ``sys.path`` for this conftest)."""

from __future__ import annotations

import pytest

from oms.domain.catalog import Catalog
from oms.domain.catalog.demo import demo_catalog


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return demo_catalog()
