"""The scenarios' driver: one tenant's HTTP client of the running system (tokens per person), waits
with deadlines (never sleeps), reads of the rows and engine state a scenario checks, and clients
that fail on demand (an engine that is away, a completion that is lost)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any, TypeVar

import httpx
import psycopg
from psycopg.rows import dict_row

from oms.application.commands.catalog import load_demo_catalog
from oms.application.workflow import order_fulfillment_business_key
from oms.relay.options import Backoff, RelayOptions
from oms.scheduler.reconciler import ReconcilerOptions
from oms.system import ClientKind, System, SystemConfig
from oms.system.config import ROLE_RELAY, ROLE_WORKERS
from oms.workflow.client import (
    CreatedInstance,
    ProcessInstanceSummary,
    Unavailable,
    Variables,
    WorkflowClient,
)

T = TypeVar("T")

ORDERING = "/tmf-api/productOrderingManagement/v4"
ORDERS = f"{ORDERING}/productOrder"
CANCELS = f"{ORDERING}/cancelProductOrder"
OPERATIONS = "/oms-api/orderOperations/v1"
QUOTES = "/tmf-api/quoteManagement/v4/quote"
CUSTOMER = {"id": "customer-1", "role": "customer", "@referredType": "Individual"}

#: how long a scenario waits for something the system does on its own (relays, workers, callbacks)
WAIT_S = 20.0


def scenario_config(database_url: str, client: ClientKind, **overrides: Any) -> SystemConfig:
    """The system as the scenarios run it: a migrated copy (no migration), no tenant seeded (each
    test seeds its own), a controlled engine clock, short long polls (a stop waits for them) and a
    fast relay back-off."""
    config = SystemConfig(
        database_url=database_url,
        client=client,
        migrate=False,
        seed_tenants=(),
        controlled_clock=True,
        worker_poll_timeout=timedelta(milliseconds=500),
        worker_max_concurrent=4,
        relay_options=RelayOptions(backoff=Backoff(initial=timedelta(milliseconds=50), max_attempts=10)),
        relay_poll_interval=timedelta(milliseconds=200),
        stop_grace=timedelta(seconds=3),
        api_pool_size=4,
        engine_pool_size=6,
        # reconciliation runs when a scenario asks (System.scheduler.run_once), with no grace
        scheduler_interval=timedelta(hours=1),
        reconciliation=ReconcilerOptions(grace=timedelta(0)),
    )
    return replace(config, **overrides)


def wait_until(condition: Callable[[], T | None], *, timeout_s: float = WAIT_S, what: str = "the condition") -> T:
    """Polls ``condition`` until it returns something truthy, which is returned; fails at the deadline."""
    deadline = time.monotonic() + timeout_s
    pause = 0.005
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout_s} s (last value: {value!r})")
        threading.Event().wait(pause)
        pause = min(pause * 2, 0.1)


# ---------------------------------------------------------------------------------------- bodies


def fiber_item(item_id: str = "1", *, speed: object = 1000, **characteristics: object) -> dict[str, Any]:
    values = [{"name": "downloadSpeed", "value": speed}]
    values += [{"name": name, "value": value} for name, value in characteristics.items()]
    return {
        "id": item_id,
        "action": "add",
        "productOffering": {"id": "po-fiber-broadband"},
        "product": {"productCharacteristic": values},
    }


def tv_item(item_id: str = "2") -> dict[str, Any]:
    return {"id": item_id, "action": "add", "productOffering": {"id": "po-tv"}}


def order_body(*items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "@type": "ProductOrder",
        "relatedParty": [CUSTOMER],
        "productOrderItem": list(items) or [fiber_item()],
        **extra,
    }


def quote_body(*, item_discount: str | None = None) -> dict[str, Any]:
    fiber: dict[str, Any] = {
        "id": "1",
        "quantity": 1,
        "productOffering": {"id": "po-fiber-broadband"},
        "product": {"productCharacteristic": [{"name": "downloadSpeed", "value": 1000}]},
    }
    if item_discount is not None:
        fiber["manualDiscountPercent"] = item_discount
    return {
        "@type": "Quote",
        "relatedParty": [{"id": "customer-1", "role": "customer"}],
        "contractTermMonths": 24,
        "quoteItem": [fiber, {"id": "2", "quantity": 1, "productOffering": {"id": "po-tv"}}],
    }


# ---------------------------------------------------------------------------------------- driver


@dataclass
class Scenario:
    """The running system seen by one tenant: its HTTP API, the simulators, the rows, the engine."""

    system: System
    tenant: str
    http: httpx.Client
    tokens: dict[str, str] = field(default_factory=dict)

    @classmethod
    def open(cls, system: System, tenant: str | None = None) -> Scenario:
        tenant = tenant or f"t-{uuid.uuid4().hex[:10]}"
        assert system.uow_factory is not None and system.api_url is not None
        load_demo_catalog(system.uow_factory, tenant)
        http = httpx.Client(base_url=system.api_url, timeout=30)
        system.on_stop(http.close)
        return cls(system, tenant, http, system.tokens(tenant))

    # -- HTTP ----------------------------------------------------------------------------------

    def request(self, method: str, path: str, body: Any = None, actor: str = "agent", **headers: str) -> httpx.Response:
        sent = {"Authorization": f"Bearer {self.tokens[actor]}", **headers}
        return self.http.request(method, path, json=body, headers=sent)

    def post(self, path: str, body: Any = None, actor: str = "agent", *, expect: int | None = None) -> dict[str, Any]:
        response = self.request("POST", path, body, actor, **{"Idempotency-Key": uuid.uuid4().hex})
        if expect is not None:
            assert response.status_code == expect, response.text
        result: dict[str, Any] = response.json() if response.content else {}
        return result

    def patch(self, path: str, body: Any, actor: str = "agent", *, expect: int | None = None) -> dict[str, Any]:
        headers = {"Content-Type": "application/merge-patch+json", "Idempotency-Key": uuid.uuid4().hex}
        sent = {"Authorization": f"Bearer {self.tokens[actor]}", **headers}
        response = self.http.request("PATCH", path, content=json.dumps(body), headers=sent)
        if expect is not None:
            assert response.status_code == expect, response.text
        result: dict[str, Any] = response.json()
        return result

    def get(self, path: str, actor: str = "agent") -> dict[str, Any]:
        response = self.request("GET", path, None, actor)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    def place_order(self, body: dict[str, Any] | None = None, actor: str = "agent") -> dict[str, Any]:
        order = self.post(ORDERS, body or order_body(), actor, expect=201)
        assert order["state"] == "acknowledged", order
        return order

    def order(self, order_id: str) -> dict[str, Any]:
        return self.get(f"{ORDERS}/{order_id}")

    def wait_for_order(self, order_id: str, *states: str, timeout_s: float = WAIT_S) -> dict[str, Any]:
        def reached() -> dict[str, Any] | None:
            order = self.order(order_id)
            return order if order["state"] in states else None

        return wait_until(reached, timeout_s=timeout_s, what=f"order {order_id} reaching {' or '.join(states)}")

    def plan(self, order_id: str) -> dict[str, Any]:
        return self.get(f"{OPERATIONS}/productOrder/{order_id}/fulfillmentPlan", "operator")

    def fallout_cases(self, order_id: str) -> list[dict[str, Any]]:
        response = self.request("GET", f"{OPERATIONS}/productOrder/{order_id}/falloutCase")
        assert response.status_code == 200, response.text
        cases: list[dict[str, Any]] = response.json()
        return cases

    def wait_for(
        self, path: str, predicate: Callable[[dict[str, Any]], bool], *, actor: str = "agent", what: str
    ) -> dict[str, Any]:
        """GET ``path`` until ``predicate`` holds for the body."""

        def reached() -> dict[str, Any] | None:
            body = self.get(path, actor)
            return body if predicate(body) else None

        return wait_until(reached, what=what)

    # -- the engine ----------------------------------------------------------------------------

    def wait_for_timer(self, process_instance_key: int, element_id: str) -> dict[str, Any]:
        """The instance waits with a timer of ``element_id`` (so moving the clock fires it)."""

        def armed() -> dict[str, Any] | None:
            rows = self.rows(
                "SELECT key, due_date FROM engine.timer WHERE process_instance_key = %s AND target_element_id = %s",
                process_instance_key,
                element_id,
            )
            return rows[0] if rows else None

        return wait_until(armed, what=f"a timer {element_id} of instance {process_instance_key}")

    def jobs(self, job_type: str, process_instance_key: int | None = None) -> list[dict[str, Any]]:
        return self.rows(
            "SELECT key, state, retries, retry_at, deadline, error_message, version FROM engine.job"
            " WHERE type = %s AND (%s::bigint IS NULL OR process_instance_key = %s) ORDER BY key",
            job_type,
            process_instance_key,
            process_instance_key,
        )

    def pass_backoff(self, job_type: str, *, retries_left: int) -> None:
        """Wait until a job of ``job_type`` failed down to ``retries_left`` and waits out its back-off,
        then move the engine's clock past that back-off (the job becomes activatable again)."""

        def backing_off() -> dict[str, Any] | None:
            found = [
                job
                for job in self.jobs(job_type)
                if job["state"] == "FAILED" and job["retries"] == retries_left and job["retry_at"] is not None
            ]
            return found[0] if found else None

        job = wait_until(backing_off, what=f"a {job_type} job backing off with {retries_left} retries left")
        clock = self.system.clock
        assert clock is not None
        self.system.increase_time(max(job["retry_at"] - clock.now(), timedelta(0)) + timedelta(milliseconds=1))

    def incidents(self, process_instance_key: int) -> list[dict[str, Any]]:
        return self.rows(
            "SELECT element_id, error_type, error_message, state FROM engine.incident WHERE process_instance_key = %s",
            process_instance_key,
        )

    # -- the simulators ------------------------------------------------------------------------

    def simulators(self, method: str, path: str, body: Any = None, **headers: str) -> httpx.Response:
        assert self.system.simulators_url is not None
        return httpx.request(method, self.system.simulators_url + path, json=body, headers=headers, timeout=10)

    def simulator_calls(self, system: str) -> list[dict[str, Any]]:
        calls: list[dict[str, Any]] = self.simulators("GET", f"/admin/calls?system={system}").json()
        return calls

    def callback_deliveries(self) -> list[dict[str, Any]]:
        deliveries: list[dict[str, Any]] = self.simulators("GET", "/admin/callbacks").json()["deliveries"]
        return deliveries

    # -- rows ----------------------------------------------------------------------------------

    def rows(self, query: str, *params: Any) -> list[dict[str, Any]]:
        """A query as the superuser (no row-level security), for assertions."""
        with psycopg.connect(self.system.database_url, autocommit=True) as conn:
            return conn.cursor(row_factory=dict_row).execute(query, params).fetchall()

    def start_request(self, business_key: str) -> dict[str, Any] | None:
        found = self.rows("SELECT * FROM workflow_start_request WHERE business_key = %s", business_key)
        return found[0] if found else None

    def fulfillment_key(self, order_id: str) -> str:
        return order_fulfillment_business_key(self.tenant, order_id)

    def instances(self, process_id: str, business_key: str) -> list[ProcessInstanceSummary]:
        variables: Variables = {"businessKey": business_key}
        return self.system.client.search_instances(bpmn_process_id=process_id, variables=variables)

    def wait_for_instance(self, process_id: str, business_key: str) -> ProcessInstanceSummary:
        found = wait_until(
            lambda: self.instances(process_id, business_key), what=f"an instance of {process_id} for {business_key}"
        )
        assert len(found) == 1, found
        return found[0]

    def wait_for_instance_state(self, process_id: str, business_key: str, state: str) -> ProcessInstanceSummary:
        def reached() -> ProcessInstanceSummary | None:
            found = self.instances(process_id, business_key)
            return found[0] if len(found) == 1 and found[0].state == state else None

        return wait_until(reached, what=f"the instance of {process_id} for {business_key} being {state}")


# ---------------------------------------------------------------------------------------- faults


class Faults:
    """``SystemConfig(wrap_client=faults.wrap)``: the relay's and the workers' clients, failing the
    calls a scenario asks to fail."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        #: calls of the relay's ``create_instance`` still to refuse (the engine is away)
        self.refuse_starts = 0
        self.refused_starts = 0
        #: job types whose next completion is lost after the handler ran (counted per job type)
        self.lose_completions: dict[str, int] = {}
        self.lost_completions: dict[str, int] = {}

    def wrap(self, role: str, client: WorkflowClient) -> WorkflowClient:
        if role == ROLE_RELAY:
            return _FaultyRelayClient(client, self)  # type: ignore[return-value]
        if role == ROLE_WORKERS:
            return _FaultyWorkerClient(client, self)  # type: ignore[return-value]
        return client


class _Forwarding:
    def __init__(self, inner: WorkflowClient, faults: Faults) -> None:
        self.inner = inner
        self.faults = faults

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class _FaultyRelayClient(_Forwarding):
    def create_instance(self, bpmn_process_id: str, **kwargs: Any) -> CreatedInstance:
        with self.faults.lock:
            refuse = self.faults.refuse_starts > 0
            if refuse:
                self.faults.refuse_starts -= 1
                self.faults.refused_starts += 1
        if refuse:
            raise Unavailable("connection refused (the engine is away)")
        return self.inner.create_instance(bpmn_process_id, **kwargs)


class _FaultyWorkerClient(_Forwarding):
    def __init__(self, inner: WorkflowClient, faults: Faults) -> None:
        super().__init__(inner, faults)
        self.job_types: dict[int, str] = {}

    def activate_jobs(self, job_type: str, **kwargs: Any) -> Any:
        jobs = self.inner.activate_jobs(job_type, **kwargs)
        for job in jobs:
            self.job_types[job.key] = job.type
        return jobs

    def complete_job(self, job_key: int, variables: Mapping[str, Any] | None = None) -> None:
        job_type = self.job_types.get(job_key, "")
        with self.faults.lock:
            lose = self.faults.lose_completions.get(job_type, 0) > 0
            if lose:
                self.faults.lose_completions[job_type] -= 1
                self.faults.lost_completions[job_type] = self.faults.lost_completions.get(job_type, 0) + 1
        if lose:
            raise Unavailable("the connection dropped before the completion reached the engine")
        self.inner.complete_job(job_key, variables)
