"""The ``oms`` command line: one sub-command per deployable or tool."""

from __future__ import annotations

import contextlib
import json
import signal
import threading

import typer
from rich.console import Console

from oms.engine.postgres import create_database, database_url, drop_database

app = typer.Typer(
    help="CPQ and Order Management System with an embedded Camunda 8 compatible engine.", no_args_is_help=True
)
bench_app = typer.Typer(help="Benchmarks (results go to docs/benchmarks.md).", no_args_is_help=True)
app.add_typer(bench_app, name="bench")
engine_app = typer.Typer(help="The embedded engine as a Camunda-compatible REST server.", no_args_is_help=True)
app.add_typer(engine_app, name="engine")
workflow_app = typer.Typer(help="The BPMN models of the OMS.", no_args_is_help=True)
app.add_typer(workflow_app, name="workflow")
console = Console()


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema (engine tables and OMS tables) at OMS_DATABASE_URL."""
    from oms import bootstrap

    bootstrap.migrate(database_url())
    console.print("schema is up to date")


@app.command()
def seed(tenant: str = typer.Option("demo", help="tenant to load the demo catalog for")) -> None:
    """Load and activate the demo telecom catalog for a tenant (a no-op when it is there already)."""
    from oms import bootstrap
    from oms.settings import load_settings

    view = bootstrap.seed(load_settings(), database_url(), tenant)
    console.print(f"catalog {view.version} active for tenant {tenant}")


@app.command()
def api(
    host: str = typer.Option("127.0.0.1", help="address to bind"),
    port: int = typer.Option(8000, help="port to listen on"),
    workers: int = typer.Option(1, help="server processes (each with its own connection pool)"),
) -> None:
    """Serve the CPQ HTTP API (TMF620 catalog, TMF648 quotes) on OMS_DATABASE_URL or an embedded
    PostgreSQL. Needs OMS_JWT_SECRET (bearer tokens) and/or OMS_API_KEYS (development keys)."""
    from oms import bootstrap
    from oms.settings import SettingsError, load_settings

    try:
        settings = load_settings()
        config = bootstrap.api_config(settings)
    except (SettingsError, ValueError) as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    if workers > 1:
        bootstrap.serve_workers(host, port, workers)
        return
    with bootstrap.api_runtime(settings, config, database_url()) as runtime:
        bootstrap.serve(runtime.app, host, port)


@app.command()
def dev(
    port: int = typer.Option(8000, help="port of the CPQ API (0: do not serve the API)"),
) -> None:
    """Run the system on one machine, on OMS_DATABASE_URL or, when it is unset, on an embedded
    PostgreSQL: the engine and its background services, the OMS schema, the demo catalog for tenant
    'demo', and the CPQ API on 127.0.0.1 (prints bearer tokens and a curl example). Stop with Ctrl-C."""
    from oms.engine.api import Engine

    url = database_url()
    if port:
        _dev_api_prepare(url)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with Engine.connect(url) as engine:
        engine.start_background_services()
        console.print(f"engine running on {url}; Ctrl-C stops it")
        if port:
            _dev_api_serve(url, port)  # blocks; uvicorn stops on Ctrl-C or SIGTERM
            return
        with contextlib.suppress(KeyboardInterrupt):
            stopped.wait()


def _dev_api_prepare(url: str) -> None:
    from oms import bootstrap
    from oms.settings import load_settings

    bootstrap.migrate(url)
    bootstrap.seed(load_settings(), url, bootstrap.DEV_TENANT)


def _dev_api_serve(url: str, port: int) -> None:
    from oms import bootstrap
    from oms.settings import load_settings

    settings = load_settings()
    # A fresh machine has no OMS_JWT_SECRET: generate one for this run (tokens die with the process).
    secret = None if settings.jwt_secret else bootstrap.generate_jwt_secret()
    config = bootstrap.api_config(settings, jwt_secret=secret)
    tokens = bootstrap.dev_tokens(config)
    base = f"http://127.0.0.1:{port}"
    console.print(
        f"CPQ API on {base} (docs: {base}/docs), tenant '{bootstrap.DEV_TENANT}' with the demo catalog", soft_wrap=True
    )
    if secret:
        console.print(f"generated JWT signing key for this run: {secret}", soft_wrap=True, highlight=False)
    for name, token in tokens.items():
        console.print(f"export OMS_{name.upper()}_TOKEN={token}", soft_wrap=True, highlight=False)
    console.print(
        f'curl -s -H "Authorization: Bearer $OMS_AGENT_TOKEN" '
        f"{base}/tmf-api/productCatalogManagement/v4/productOffering?fields=name",
        soft_wrap=True,
        highlight=False,
    )
    with bootstrap.api_runtime(settings, config, url) as runtime:
        bootstrap.serve(runtime.app, "127.0.0.1", port)


@app.command()
def worker(
    job_types: str = typer.Option("", help="comma-separated job types to serve (default: every registered one)"),
    worker_id: str = typer.Option("", help="worker name reported to the engine (default: host-pid)"),
    max_concurrent: int = typer.Option(8, help="handlers running at once, per job type"),
    metrics_port: int = typer.Option(0, help="serve Prometheus metrics on this port (0: off)"),
    backend: str = typer.Option("auto", help="auto (camunda when CAMUNDA_REST_ADDRESS is set), embedded, camunda"),
) -> None:
    """Run job workers as their own process, on Camunda 8 (the SDK's CAMUNDA_* settings) or the
    embedded engine (OMS_DATABASE_URL). SIGTERM stops it gracefully."""
    from oms.workflow.worker_main import WorkerOptions, parse_job_types, run_worker
    from oms.workflow.workers import default_handlers

    options = WorkerOptions(
        job_types=parse_job_types(job_types),
        worker_id=worker_id,
        max_concurrent=max_concurrent,
        metrics_port=metrics_port,
        backend=backend,
    )
    try:
        clean = run_worker(options, default_handlers())
    except ValueError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    if not clean:
        raise typer.Exit(1)


@workflow_app.command("deploy")
def workflow_deploy(
    backend: str = typer.Option("auto", help="auto (camunda when CAMUNDA_REST_ADDRESS is set), embedded, camunda"),
    tenant: str = typer.Option("", help="tenant to deploy for (default: the engine's default tenant)"),
) -> None:
    """Deploy every BPMN model (src/oms/workflow/processes) in one deployment, to Camunda 8 (the SDK's
    CAMUNDA_* settings) or the embedded engine (OMS_DATABASE_URL). Unchanged models keep their version."""
    from oms.workflow.client import WorkflowClientError
    from oms.workflow.deploy import deploy_processes, describe
    from oms.workflow.worker_main import open_client

    try:
        with open_client(backend) as client:
            result = deploy_processes(client, tenant_id=tenant or None)
    except ValueError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    except WorkflowClientError as error:
        console.print(f"[red]deployment refused: {error}[/red]")
        raise typer.Exit(1) from error
    for process in result.processes:
        console.print(describe(process))


@app.command("workflow-relay")
def workflow_relay(
    backend: str = typer.Option("auto", help="auto (camunda when CAMUNDA_REST_ADDRESS is set), embedded, camunda"),
    batch_size: int = typer.Option(50, help="rows claimed per transaction"),
    poll_interval: float = typer.Option(1.0, help="seconds between polls when no NOTIFY arrives"),
    max_attempts: int = typer.Option(30, help="attempts before a start or message is marked failed (0: never)"),
    search_lag: float = typer.Option(-1.0, help="seconds a search may trail the engine (-1: 0 embedded, 30 Camunda)"),
) -> None:
    """Relay process starts (workflow_start_request) and received callbacks (workflow_message_correlation)
    of every tenant from OMS_DATABASE_URL to the engine, as the role oms_relay. SIGTERM stops it."""
    from datetime import timedelta

    from oms.relay.service import RelayProcessOptions, run_relay_process

    try:
        options = RelayProcessOptions(
            backend=backend,
            batch_size=batch_size,
            poll_interval=timedelta(seconds=poll_interval),
            max_attempts=max_attempts,
            search_lag=None if search_lag < 0 else timedelta(seconds=search_lag),
        )
        run_relay_process(options, database_url())
    except ValueError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error


@app.command()
def simulators(
    host: str = typer.Option("127.0.0.1", help="address to bind"),
    port: int = typer.Option(8090, help="port to listen on"),
    seed: int = typer.Option(0, help="seed of every random decision (transient failures)"),
    config: str = typer.Option("", help="JSON file with the simulators' configuration (see docs/simulators.md)"),
    callback_url: str = typer.Option(
        "http://127.0.0.1:8000/callbacks/provisioning", help="where provisioning results are sent"
    ),
) -> None:
    """Serve the external-system simulators (inventory, provisioning, billing) over HTTP. Provisioning
    callbacks are signed with OMS_SIMULATOR_CALLBACK_SECRET (the OMS's provisioning entry in
    OMS_CALLBACK_SECRETS)."""
    import os
    from pathlib import Path

    from oms.simulators.app import create_simulator_app
    from oms.simulators.config import SimulatorConfig
    from oms.simulators.server import serve_forever

    try:
        data = json.loads(Path(config).read_text()) if config else {}
        data.setdefault("seed", seed)
        provisioning = data.setdefault("provisioning", {})
        provisioning.setdefault("callbackUrl", callback_url)
        if os.environ.get("OMS_SIMULATOR_CALLBACK_SECRET"):
            provisioning.setdefault("callbackSecret", os.environ["OMS_SIMULATOR_CALLBACK_SECRET"])
        settings = SimulatorConfig.model_validate(data)
    except (OSError, ValueError) as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    if settings.provisioning.callback_secret is None:
        console.print("[yellow]no OMS_SIMULATOR_CALLBACK_SECRET: provisioning callbacks go out unsigned[/yellow]")
    serve_forever(create_simulator_app(settings), host, port)


@engine_app.command("serve")
def engine_serve(
    host: str = typer.Option("127.0.0.1", help="address to bind (non-loopback needs credentials)"),
    port: int = typer.Option(8080, help="port to listen on"),
    controlled_clock: bool = typer.Option(False, help="allow PUT /v2/clock (tests): the engine's clock can be pinned"),
    allow_unauthenticated: bool = typer.Option(False, help="serve without credentials on a non-loopback address"),
) -> None:
    """Serve the Orchestration Cluster REST API (v2) of the embedded engine, with its background
    services, on OMS_DATABASE_URL (or an embedded PostgreSQL). Credentials: OMS_ENGINE_BASIC_AUTH
    (user:password,...) and/or OMS_ENGINE_BEARER_TOKENS (token,...)."""
    from oms.engine.rest.auth import AuthConfig
    from oms.engine.rest.server import serve

    try:
        serve(
            database_url(),
            host=host,
            port=port,
            controlled_clock=controlled_clock,
            auth=AuthConfig.from_env(),
            allow_unauthenticated=allow_unauthenticated,
        )
    except ValueError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error


@bench_app.command("cpq-api")
def bench_cpq_api(
    rate: int = typer.Option(100, help="requests per second, overall"),
    seconds: int = typer.Option(30, help="duration of each measured phase"),
    connections: int = typer.Option(2, help="connections of the load tool (each sends rate/connections a second)"),
    workers: int = typer.Option(1, help="`oms api` server processes"),
    correct_omission: bool = typer.Option(False, help="keep autocannon's coordinated-omission correction"),
) -> None:
    """POST /quote and GET /quote/{id} at a fixed rate against `oms api` on a fresh seeded database,
    with autocannon; prints one JSON object (p50/p99 latency, throughput, errors)."""
    from oms.bench.cpq_api_bench import run_cpq_api_bench

    result = run_cpq_api_bench(
        database_url(),
        rate=rate,
        seconds=seconds,
        connections=connections,
        workers=workers,
        correct_omission=correct_omission,
    )
    print(json.dumps(result, indent=2))


@bench_app.command("order-api")
def bench_order_api(
    rate: int = typer.Option(100, help="requests per second, overall"),
    seconds: int = typer.Option(30, help="duration of the measured phase"),
    connections: int = typer.Option(2, help="connections of the load tool (each sends rate/connections a second)"),
    workers: int = typer.Option(1, help="`oms api` server processes"),
    correct_omission: bool = typer.Option(False, help="keep autocannon's coordinated-omission correction"),
) -> None:
    """POST /productOrder (TMF622, priced at order time) at a fixed rate against `oms api` on a fresh
    seeded database, with autocannon; prints one JSON object (p50/p99 latency, throughput, errors)."""
    from oms.bench.order_api_bench import run_order_api_bench

    result = run_order_api_bench(
        database_url(),
        rate=rate,
        seconds=seconds,
        connections=connections,
        workers=workers,
        correct_omission=correct_omission,
    )
    print(json.dumps(result, indent=2))


@bench_app.command("engine")
def bench_engine(
    instances: int = typer.Option(1000, help="process instances to run"),
    processes: int = typer.Option(1, help="engine processes sharing the database, each with its workers"),
    workers: int = typer.Option(1, help="worker threads per job type in each process"),
    rate: float = typer.Option(0.0, help="start instances at this rate per second (0: as fast as possible)"),
    client: str = typer.Option("embedded", help="embedded (in-process API) or rest (official SDK over HTTP)"),
    variant: str = typer.Option("five-tasks", help="five-tasks, or mi20 (a parallel multi-instance of 20 jobs)"),
    history: int = typer.Option(0, help="completed instances put into the tables first (cloned history)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    keep_database: bool = typer.Option(False, help="keep the benchmark database"),
) -> None:
    """Five-service-task process N times with in-process workers on a fresh database."""
    from oms.bench.engine_bench import SHAPES, run_engine_bench, seed_history

    url = create_database(database_url(), prefix="oms_bench")
    try:
        if history:
            seed_history(url, history)
        if client == "rest":
            from oms.bench.engine_rest_bench import run_rest_bench

            result = run_rest_bench(url, instances, workers_per_type=workers, rate=rate)
        elif client == "embedded":
            if variant not in SHAPES:
                raise typer.BadParameter(
                    f"unknown variant {variant!r}: use {', '.join(SHAPES)}", param_hint="--variant"
                )
            result = run_engine_bench(
                url, instances, processes=processes, workers_per_type=workers, rate=rate, shape=SHAPES[variant]()
            )
        else:
            raise typer.BadParameter(f"unknown client {client!r}: use embedded or rest", param_hint="--client")
    finally:
        if not keep_database:
            drop_database(url)
    if as_json:
        print(json.dumps(result.as_dict()))
    else:
        console.print(result.as_dict())
