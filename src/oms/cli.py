"""The ``oms`` command line: one sub-command per deployable or tool."""

from __future__ import annotations

import json

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
    port: int = typer.Option(8000, help="port of the API (0: any free port)"),
    simulators_port: int = typer.Option(8090, help="port of the external-system simulators (0: any free port)"),
    engine_port: int = typer.Option(8080, help="port of the engine's Camunda REST API (-1: do not serve it)"),
    client: str = typer.Option("embedded", help="how workers and relays reach the engine: embedded or camunda"),
) -> None:
    """Run the whole system in one process, on OMS_DATABASE_URL or, when it is unset, on an embedded
    PostgreSQL: the engine and its background services, the workflow relay, the scheduler, the job
    workers, the external-system simulators and the API on 127.0.0.1, with the demo catalog for tenant 'demo'.
    Prints bearer tokens, a curl that places an order and where to watch it. Stop with Ctrl-C."""
    from oms.settings import SettingsError, load_settings
    from oms.system.config import ClientKind
    from oms.system.dev import dev_config, run_dev
    from oms.workflow.logging import configure_logging

    try:
        settings = load_settings()
        kind = ClientKind(client)
    except (SettingsError, ValueError) as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    configure_logging(level="INFO")  # JSON lines: every relay start, job and callback, to watch an order go
    secret = settings.jwt_secret.get_secret_value() if settings.jwt_secret else None
    config = dev_config(
        database_url=database_url(),
        api_port=port,
        simulators_port=simulators_port,
        engine_port=None if engine_port < 0 and kind is ClientKind.EMBEDDED else max(engine_port, 0),
        client=kind,
        jwt_secret=secret,
    )
    run_dev(config, console, generated_secret=secret is None)


@app.command()
def demo(
    api_url: str = typer.Option(
        "", help="a running system's API (e.g. `oms dev`'s); default: start a system of its own"
    ),
    simulators_url: str = typer.Option("http://127.0.0.1:8090", help="the running system's simulators"),
) -> None:
    """Push a few orders through the system: two fall out at provisioning (no XGS-PON capacity, set on
    the simulators) and are repaired by an operator through the API. Prints each order's outcome.
    Against a running system, the tokens come from OMS_AGENT_TOKEN and OMS_OPERATOR_TOKEN (as `oms dev`
    prints them)."""
    import os

    from oms.system.demo import DemoError, run_demo, run_demo_on_own_system
    from oms.workflow.logging import configure_logging

    configure_logging(level="WARNING")  # the table is the output; the system's own logs stay quiet
    try:
        if api_url:
            tokens = {name: os.environ.get(f"OMS_{name.upper()}_TOKEN", "") for name in ("agent", "operator")}
            missing = [f"OMS_{name.upper()}_TOKEN" for name, token in tokens.items() if not token]
            if missing:
                console.print(f"[red]set {', '.join(missing)} (printed by `oms dev`)[/red]")
                raise typer.Exit(2)
            orders = run_demo(api_url, simulators_url, tokens, console)
        else:
            orders = run_demo_on_own_system(console, database_url=database_url())
    except DemoError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from error
    if any(order.state != "completed" for order in orders):
        raise typer.Exit(1)


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


@workflow_app.command("check")
def workflow_check(
    backend: str = typer.Option("auto", help="auto (camunda when CAMUNDA_REST_ADDRESS is set), embedded, camunda"),
    models: list[str] = typer.Option([], "--models", help="BPMN files or directories (default: the OMS's models)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Refuse (exit 1) a model set that drops a job type a deployed process version with active
    instances still uses, and list the job types the running workers must serve, per such version.
    Reads the engine only (Camunda 8 through the SDK's CAMUNDA_* settings, or the embedded engine)."""
    from oms.scheduler.service import open_backend
    from oms.workflow import processes
    from oms.workflow.check import ModelError, check_deployment, load_models
    from oms.workflow.client import WorkflowClientError

    try:
        resources = load_models(models) if models else processes.resources()
        with open_backend(backend) as (_, reads):
            report = check_deployment(reads, resources)
    except (ValueError, ModelError) as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    except WorkflowClientError as error:
        console.print(f"[red]cannot read the engine: {error}[/red]")
        raise typer.Exit(2) from error
    if as_json:
        print(json.dumps(report.to_dict()))
    else:
        for line in report.lines():
            console.print(line, soft_wrap=True, highlight=False, markup=False)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def scheduler(
    backend: str = typer.Option("auto", help="auto (camunda when CAMUNDA_REST_ADDRESS is set), embedded, camunda"),
    interval: float = typer.Option(60.0, help="seconds between reconciliation passes"),
    alert_after: float = typer.Option(900.0, help="seconds an incident stays active before it gets an alert"),
    grace: float = typer.Option(300.0, help="seconds a disagreement may last before it is drift"),
    batch_size: int = typer.Option(200, help="rows read per query"),
    once: bool = typer.Option(False, help="run one pass, print its summary and exit"),
) -> None:
    """Reconcile the engine with the database for every tenant on OMS_DATABASE_URL: record drift as
    findings, repair what is safe through domain commands or engine calls, open and close operational
    alerts of persisting incidents (docs/reconciliation.md). Runs as the role oms_scheduler (read only)
    and oms_app for its writes. SIGTERM stops it."""
    from datetime import timedelta

    from oms.scheduler.service import SchedulerProcessOptions, run_scheduler_process

    try:
        options = SchedulerProcessOptions(
            backend=backend,
            interval=timedelta(seconds=interval),
            incident_alert_after=timedelta(seconds=alert_after),
            grace=timedelta(seconds=grace),
            batch_size=batch_size,
            once=once,
        )
        report = run_scheduler_process(options, database_url())
    except ValueError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    if report is not None:
        print(json.dumps(report.summary()))


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
    """Serve the external-system simulators (inventory, provisioning, billing, logistics, field
    service) over HTTP. Provisioning
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


@bench_app.command("e2e")
def bench_e2e(
    orders: int = typer.Option(500, help="orders to fulfil (after the warm-up)"),
    client: str = typer.Option("embedded", help="how workers and relays reach the engine: embedded or camunda"),
    concurrency: int = typer.Option(8, help="connections POSTing orders"),
    rate: float = typer.Option(0.0, help="POST orders at this rate per second (0: as fast as the connections go)"),
    warmup: int = typer.Option(20, help="orders run first and not counted"),
    worker_concurrency: int = typer.Option(8, help="handlers running at once, per job type"),
    log_level: str = typer.Option("WARNING", help="log level of the system's JSON logs during the run"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    keep_database: bool = typer.Option(False, help="keep the benchmark database"),
) -> None:
    """Orders fulfilled per second end to end (API POST to order completed, through the relay, the
    workers, the simulators and one provisioning callback per order) and job activation latency, on
    the whole system in one process on a fresh database."""
    from oms.bench.e2e_bench import run_e2e_bench
    from oms.system.config import ClientKind
    from oms.workflow.logging import configure_logging

    configure_logging(level=log_level)
    result = run_e2e_bench(
        database_url(),
        orders,
        client=ClientKind(client),
        concurrency=concurrency,
        rate=rate,
        warmup=warmup,
        worker_concurrency=worker_concurrency,
        keep_database=keep_database,
    )
    if as_json:
        print(json.dumps(result.as_dict()))
    else:
        console.print(result.as_dict())


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
