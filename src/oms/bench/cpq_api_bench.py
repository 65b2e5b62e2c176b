"""``oms bench cpq-api`` (and ``scripts/bench-cpq-api``): latency of the CPQ HTTP API at a fixed rate.

Method: a fresh database on the configured server (``OMS_DATABASE_URL``, else the embedded one),
migrated and seeded with the demo catalog for tenant ``bench``; the real deployable, ``oms api``, runs
as its own process (uvicorn, one worker) with a generated JWT key; the load comes from a real HTTP
load tool, ``autocannon`` (npm, installed into ``~/.cache/oms-bench``), at a fixed overall rate
(``--overallRate``) over several connections. Two phases, each after a short warm-up that is not
counted: ``POST /quote`` (a sales agent's bearer token, a two-item JSON body: configured, validated,
priced and written with its audit and outbox rows) and ``GET /quote/{id}`` of one quote. Latency is
autocannon's, measured from the request's send to the response's last byte."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from oms import bootstrap
from oms.api.auth import Claims, issue_token
from oms.domain.shared.actors import ActorKind
from oms.engine.postgres import create_database, drop_database
from oms.settings import load_settings

TENANT = "bench"
QUOTES_PATH = "/tmf-api/quoteManagement/v4/quote"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "oms-bench"
QUOTE_BODY: dict[str, Any] = {
    "relatedParty": [{"id": "customer-bench", "role": "customer"}],
    "contractTermMonths": 24,
    "quoteItem": [
        {
            "id": "1",
            "productOffering": {"id": "po-fiber-broadband"},
            "product": {"productCharacteristic": [{"name": "downloadSpeed", "value": 1000}]},
        },
        {"id": "2", "productOffering": {"id": "po-tv"}},
    ],
}


def autocannon() -> Path:
    """The autocannon executable, installed on first use (like shared/tools/lint-bpmn does)."""
    binary = CACHE / "node_modules" / ".bin" / "autocannon"
    if not binary.exists():
        if shutil.which("npm") is None:
            raise RuntimeError("the benchmark needs Node.js and npm (for autocannon)")
        CACHE.mkdir(parents=True, exist_ok=True)
        if not (CACHE / "package.json").exists():
            subprocess.run(["npm", "init", "-y"], cwd=CACHE, check=True, capture_output=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", "autocannon@8"],
            cwd=CACHE,
            check=True,
            capture_output=True,
        )
    return binary


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def _api_process(url: str, secret: str, port: int, workers: int) -> Iterator[str]:
    env = {k: v for k, v in os.environ.items() if k != "OMS_API_KEYS"}
    env.update(OMS_DATABASE_URL=url, OMS_JWT_SECRET=secret)
    command = [
        sys.executable,
        "-m",
        "oms",
        "api",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(base: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"oms api exited with {process.returncode}: {process.stderr.read() if process.stderr else ''}"
            )
        try:
            if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)  # polling a starting server, not waiting for business time
    raise RuntimeError("oms api did not become ready within 60 s")


def _load(
    url: str,
    headers: dict[str, str],
    *,
    rate: int,
    seconds: int,
    connections: int,
    method: str = "GET",
    body: str | None = None,
    correct_omission: bool = False,
) -> dict[str, Any]:
    command = [str(autocannon()), "-j", "-c", str(connections), "-d", str(seconds), "--overallRate", str(rate)]
    if not correct_omission:
        # autocannon 8 "corrects" coordinated omission with an expected interval of ceil(1/rate) = 1 ms
        # (a unit slip: the interval is 1000/rate ms), i.e. a 20 ms response is recorded 20 times;
        # by default we report each request once (see docs/benchmarks.md).
        command.append("--ignoreCoordinatedOmission")
    command += ["-m", method]
    for name, value in headers.items():
        command += ["-H", f"{name}={value}"]
    if body is not None:
        command += ["-b", body]
    finished = subprocess.run([*command, url], check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(finished.stdout)
    return result


def _summary(raw: dict[str, Any]) -> dict[str, Any]:
    latency, requests = raw["latency"], raw["requests"]
    return {
        "p50_ms": latency["p50"],
        "p90_ms": latency["p90"],
        "p99_ms": latency["p99"],
        "max_ms": latency["max"],
        "mean_ms": round(latency["average"], 2),
        "requests": requests["total"],
        "throughput_rps": round(requests["average"], 1),
        "errors": raw["errors"],
        "timeouts": raw["timeouts"],
        "non_2xx": raw["non2xx"],
    }


def run_cpq_api_bench(
    server_url: str,
    *,
    rate: int = 100,
    seconds: int = 30,
    connections: int = 2,
    workers: int = 1,
    warmup_seconds: int = 5,
    correct_omission: bool = False,
) -> dict[str, Any]:
    settings = load_settings({})
    url = create_database(server_url, prefix="oms_bench_api")
    try:
        bootstrap.migrate(url)
        bootstrap.seed(settings, url, TENANT)
        secret = bootstrap.generate_jwt_secret()
        token = issue_token(
            secret,
            Claims(TENANT, "bench-agent", ActorKind.SALES_AGENT),
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            now=datetime.now(UTC),
        )
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        body = json.dumps(QUOTE_BODY)
        with _api_process(url, secret, _free_port(), workers) as base:
            created = httpx.post(base + QUOTES_PATH, headers=headers, content=body, timeout=10)
            created.raise_for_status()
            get_url = base + created.json()["href"]
            phases: dict[str, Any] = {}
            for name, target, method, payload in (
                ("createQuote", base + QUOTES_PATH, "POST", body),
                ("getQuote", get_url, "GET", None),
            ):

                def load(
                    duration: int, target: str = target, method: str = method, payload: str | None = payload
                ) -> Any:
                    return _load(
                        target,
                        headers,
                        rate=rate,
                        seconds=duration,
                        connections=connections,
                        method=method,
                        body=payload,
                    )

                load(warmup_seconds)  # not counted: opens the pooled connections and fills the catalog cache
                phases[name] = _summary(load(seconds))
    finally:
        drop_database(url)
    return {
        "tool": "autocannon 8 (--overallRate)",
        "rate_rps": rate,
        "seconds": seconds,
        "connections": connections,
        "api_workers": workers,
        "autocannon_omission_correction": correct_omission,
        "cpus": os.cpu_count(),
        # The load tool, PostgreSQL and the API share the machine; other work on it shows here.
        "load_average_1m_after": round(os.getloadavg()[0], 2),
        **phases,
    }
