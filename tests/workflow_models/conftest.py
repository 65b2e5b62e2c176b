"""Fixtures of the model suite: the OMS's BPMN models deployed on a fresh embedded engine (the
``process_test`` harness, virtual clock, mock workers), and the variable rule every test obeys.

After each test body, every variable any instance ever held (the engine's VARIABLE records, local
scopes included) is checked against ``oms.workflow.processes.variables``: a name that is not
declared for its process, or a value above the size limit, fails the test.
"""

from __future__ import annotations

from collections.abc import Generator

import pytest
from model_support import recorded_variable_problems

from oms.engine.testing.harness import ProcessTestHarness
from oms.workflow import processes

UNCHECKED = "variables_unchecked"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{UNCHECKED}: the test breaks the variable rule on purpose")


@pytest.fixture
def models(process_test: ProcessTestHarness) -> ProcessTestHarness:
    """The harness with every model of ``oms.workflow.processes`` deployed."""
    process_test.deploy(*processes.resources())
    return process_test


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    result = yield
    harness = getattr(item, "funcargs", {}).get("process_test")
    if isinstance(harness, ProcessTestHarness) and item.get_closest_marker(UNCHECKED) is None:
        problems = recorded_variable_problems(harness)
        assert not problems, "process variables outside the contract:\n" + "\n".join(problems)
    return result
