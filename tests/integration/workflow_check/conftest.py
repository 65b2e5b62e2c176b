"""Fixtures of the workflow check suite: an engine per test (``process_test``: its own database,
emptied, on a virtual clock) and the engine reads under test over it twice, in-process
(``embedded``) and through the official SDK against the engine's REST app (``camunda``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from workflow_check_support import SyncAsgiTransport

from oms.engine.testing.harness import ProcessTestHarness
from oms.scheduler.engine_reads import CamundaEngineReads, EmbeddedEngineReads, EngineReads


@pytest.fixture(params=["embedded", "camunda"])
def reads(request: pytest.FixtureRequest, process_test: ProcessTestHarness) -> Iterator[EngineReads]:
    if request.param == "embedded":
        yield EmbeddedEngineReads(process_test.engine)
        return
    from oms.engine.rest import create_app

    transport = SyncAsgiTransport(create_app(process_test.engine))
    camunda = CamundaEngineReads(
        {"CAMUNDA_REST_ADDRESS": "http://engine.test", "CAMUNDA_AUTH_STRATEGY": "NONE"},
        httpx_args={"transport": transport},
    )
    try:
        yield camunda
    finally:
        camunda.close()
        transport.close()
