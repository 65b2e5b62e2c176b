"""``POST /callbacks/{system}``: signed callbacks are recorded once (a redelivery is acknowledged
and ignored), unsigned or unknown ones are refused; and the whole path — the provisioning
simulator calling back over HTTP, the OMS recording, the relay publishing — completes a waiting
process exactly once."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import psycopg
import pytest
from callback_support import JWT_SECRET, SECRETS
from fastapi import FastAPI
from fastapi.testclient import TestClient
from psycopg_pool import ConnectionPool

from oms.api.app import create_app
from oms.api.config import ApiConfig
from oms.api.routes.callbacks import CallbackEndpoint
from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id
from oms.integration.clients import ProvisioningClient
from oms.persistence.unit_of_work import PostgresUnitOfWorkFactory
from oms.relay.callbacks import SIGNATURE_HEADER, Callback, Receipt, message_name_for, sign_callback
from oms.relay.messages import MessageRelay
from oms.relay.store import PostgresCallbackInbox, RelayStore
from oms.simulators.app import create_simulator_app
from oms.simulators.config import SimulatorConfig, SystemConfig
from oms.simulators.server import BackgroundServer
from oms.workflow.embedded import EmbeddedWorkflowClient

WAIT_S = 15.0


def body_of(tenant: str, callback_id: str = "cb-1", key: str = "preq-1", **extra: Any) -> bytes:
    data = {"callbackId": callback_id, "tenantId": tenant, "correlationKey": key, "status": "completed", **extra}
    return json.dumps(data).encode()


def post(api: TestClient, body: bytes, *, system: str = "provisioning", secret: str | None = None) -> Any:
    signature = sign_callback(secret or SECRETS.get(system, "x" * 32), body, int(time.time()))
    return api.post(
        f"/callbacks/{system}",
        content=body,
        headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature, "X-Correlation-Id": "corr-cb"},
    )


def rows(admin: psycopg.Connection[Any], tenant: str) -> list[tuple[Any, ...]]:
    return admin.execute(
        "SELECT message_name, correlation_key, status, message_id, source_system, correlation_id, variables"
        " FROM workflow_message_correlation WHERE tenant_id = %s",
        (tenant,),
    ).fetchall()


def test_a_signed_callback_is_recorded_for_the_relay(
    api: TestClient, admin: psycopg.Connection[Any], tenant: str
) -> None:
    # when
    response = post(api, body_of(tenant, reasonCode=None, externalReference="svc-9"))
    # then
    assert response.status_code == 202
    assert response.json() == {"callbackId": "cb-1", "status": "recorded", "messageName": "provisioning.callback"}
    assert rows(admin, tenant) == [
        (
            "provisioning.callback",
            "preq-1",
            "received",
            f"provisioning:{tenant}:cb-1",
            "provisioning",
            "corr-cb",
            {"provisioningCallback": {"callbackId": "cb-1", "status": "completed", "externalReference": "svc-9"}},
        )
    ]


def test_a_duplicate_callback_is_acknowledged_and_ignored(
    api: TestClient, admin: psycopg.Connection[Any], tenant: str
) -> None:
    # given
    first = post(api, body_of(tenant))
    # when
    again = post(api, body_of(tenant))
    # then
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["status"] == "duplicate"
    assert len(rows(admin, tenant)) == 1


def test_another_callback_for_an_answered_key_is_a_conflict(
    api: TestClient, admin: psycopg.Connection[Any], tenant: str
) -> None:
    post(api, body_of(tenant, "cb-1"))
    response = post(api, body_of(tenant, "cb-2"))
    assert (response.status_code, response.json()["code"]) == (409, "callbackConflict")
    assert [r[3] for r in rows(admin, tenant)] == [f"provisioning:{tenant}:cb-1"]


@pytest.mark.parametrize(
    ("signature", "reason"),
    [
        (None, "no X-Callback-Signature header"),
        ("t=1,v1=00", "away from ours"),
        ("garbage", "must read"),
        ("wrong-secret", "does not match"),
    ],
)
def test_an_unsigned_or_badly_signed_callback_is_refused(
    api: TestClient, admin: psycopg.Connection[Any], tenant: str, signature: str | None, reason: str
) -> None:
    # given
    body = body_of(tenant)
    headers = {"Content-Type": "application/json"}
    if signature == "wrong-secret":
        headers[SIGNATURE_HEADER] = sign_callback(SECRETS["billing"], body, int(time.time()))
    elif signature is not None:
        headers[SIGNATURE_HEADER] = signature
    # when
    response = api.post("/callbacks/provisioning", content=body, headers=headers)
    # then
    assert (response.status_code, response.json()["code"]) == (401, "unauthenticated")
    assert reason in response.json()["message"]
    assert rows(admin, tenant) == []


def test_a_callback_signed_for_another_system_is_refused(api: TestClient, tenant: str) -> None:
    response = post(api, body_of(tenant), system="provisioning", secret=SECRETS["billing"])
    assert response.status_code == 401


def test_a_system_without_a_secret_cannot_call_back(api: TestClient, tenant: str) -> None:
    response = post(api, body_of(tenant), system="logistics")
    assert (response.status_code, response.json()["code"]) == (404, "notFound")


def test_a_callback_that_does_not_match_the_schema_is_refused(
    api: TestClient, admin: psycopg.Connection[Any], tenant: str
) -> None:
    response = post(api, body_of(tenant, status="maybe", unknownField=1))
    assert (response.status_code, response.json()["code"]) == (400, "invalidRequest")
    locations = {p["location"] for p in response.json()["details"]["problems"]}
    assert locations == {"status", "unknownField"}
    assert rows(admin, tenant) == []


def test_without_secrets_there_is_no_callback_route(pool: ConnectionPool, tenant: str) -> None:
    app = create_app(ApiConfig(jwt_secret=JWT_SECRET), PostgresUnitOfWorkFactory(pool))
    with TestClient(app) as client:
        assert post(client, body_of(tenant)).status_code == 404


class ObservedInbox:
    """The real inbox, announcing every callback it recorded (so the test waits on an event)."""

    def __init__(self, inner: PostgresCallbackInbox) -> None:
        self.inner = inner
        self.receipts: list[Receipt] = []
        self._condition = threading.Condition()

    def record(self, callback: Callback) -> Receipt:
        receipt = self.inner.record(callback)
        with self._condition:
            self.receipts.append(receipt)
            self._condition.notify_all()
        return receipt

    def wait_for(self, count: int) -> list[Receipt]:
        with self._condition:
            assert self._condition.wait_for(lambda: len(self.receipts) >= count, WAIT_S), self.receipts
            return list(self.receipts)


def test_a_provisioning_callback_over_http_completes_the_waiting_process_once(
    pool: ConnectionPool, process_test: ProcessTestHarness, admin: psycopg.Connection[Any], tenant: str
) -> None:
    # given: the OMS API on a real port, the simulator calling it back (each callback sent twice)
    inbox = ObservedInbox(PostgresCallbackInbox(pool))
    oms: FastAPI = create_app(
        ApiConfig(jwt_secret=JWT_SECRET),
        PostgresUnitOfWorkFactory(pool),
        callbacks=CallbackEndpoint(inbox, SECRETS),
    )
    process_id = unique_id("provisioning-wait")
    process_test.deploy(
        process(process_id)
        .start_event()
        .intermediate_catch_message(
            "provisioned", name=message_name_for("provisioning"), correlation_key="=provisioningRequestId"
        )
        .end_event("done")
        .done()
    )
    with BackgroundServer(oms) as api_server:
        config = SimulatorConfig(
            seed=1,
            provisioning=SystemConfig(
                callbackUrl=f"{api_server.url}/callbacks/provisioning",
                callbackSecret=SECRETS["provisioning"],
                callbackDuplicates=1,
            ),
        )
        with BackgroundServer(create_simulator_app(config)) as simulators, ProvisioningClient(simulators.url) as client:
            accepted = client.provision(f"{tenant}-task:run-1", tenant_id=tenant, service_specification="fiber")
            instance = process_test.create_instance(process_id, {"provisioningRequestId": accepted.request_id})
            # when: both deliveries arrive, then the relay runs
            receipts = inbox.wait_for(2)
    MessageRelay(RelayStore(pool), EmbeddedWorkflowClient(process_test.engine)).run_once()
    # then
    assert receipts == [Receipt.RECORDED, Receipt.DUPLICATE]
    [row] = rows(admin, tenant)
    assert (row[1], row[2]) == (accepted.request_id, "published")
    with process_test.engine.pool.connection() as conn:
        published = conn.execute("SELECT count(*) FROM engine.message WHERE message_id = %s", (row[3],)).fetchone()
    assert published == (1,)
    process_test.assert_that(instance).is_completed().has_variable(
        "provisioningCallback",
        {"callbackId": f"cb-{accepted.request_id}", "status": "completed", "externalReference": accepted.service_id},
    )
