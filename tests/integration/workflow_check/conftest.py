"""Fixtures of the workflow check suite: an engine per test (``process_test``: its own database,
emptied, on a virtual clock) and the engine reads under test over it twice, in-process
(``embedded``) and through the official SDK against the engine's REST app (``camunda``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing

import pytest

from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.rest import SDK_CONFIGURATION, rest_transport
from oms.scheduler.engine_reads import CamundaEngineReads, EmbeddedEngineReads, EngineReads


@pytest.fixture(params=["embedded", "camunda"])
def reads(request: pytest.FixtureRequest, process_test: ProcessTestHarness) -> Iterator[EngineReads]:
    if request.param == "embedded":
        yield EmbeddedEngineReads(process_test.engine)
        return
    with (
        rest_transport(process_test.engine) as transport,
        closing(CamundaEngineReads(SDK_CONFIGURATION, httpx_args={"transport": transport})) as camunda,
    ):
        yield camunda
