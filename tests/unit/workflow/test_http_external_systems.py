"""The workers' adapters refuse, naming system and operation, what they are not configured for."""

from __future__ import annotations

import pytest

from oms.application.external_systems import ExternalRefused
from oms.workflow.workers.external_systems import HttpExternalSystems, SystemUrls


def test_a_system_without_a_base_url_is_refused_naming_the_operation() -> None:
    # given: only billing is configured
    systems = HttpExternalSystems(SystemUrls(billing="http://127.0.0.1:9"))
    # when
    with pytest.raises(ExternalRefused) as refused:
        systems.send("inventory", "reserve", "order-1:1:reserve-resource:run-1", {})
    # then
    assert (refused.value.system, refused.value.operation) == ("inventory", "reserve")
    assert "no base URL is configured for inventory" in str(refused.value)


def test_an_operation_no_adapter_knows_is_refused() -> None:
    systems = HttpExternalSystems(SystemUrls.all_at("http://127.0.0.1:9"))
    with pytest.raises(ExternalRefused) as refused:
        systems.send("inventory", "teleport", "key-1", {})
    assert (refused.value.system, refused.value.operation) == ("inventory", "teleport")
