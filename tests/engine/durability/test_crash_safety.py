"""Crash safety: a process using the engine is killed with SIGKILL at random moments; every
command is one transaction, so what is left is consistent and the engine carries on from it.

The workload (``crash_workload.py``) runs in a subprocess against the test database. The only
sleeps here are the random delays before each kill: they choose *when* to crash, they wait for
nothing."""

from __future__ import annotations

import random
import select
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness

WORKLOAD = Path(__file__).with_name("crash_workload.py")
ROUNDS = 8
PROCESS_ID = "crash-order"


def _run_and_kill(database_url: str, round_no: int, rng: random.Random) -> None:
    proc = subprocess.Popen(
        [sys.executable, str(WORKLOAD), database_url, str(round_no)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        readable, _, _ = select.select([proc.stdout], [], [], 15)
        line = proc.stdout.readline() if readable else ""
        if line.strip() != "ready":
            proc.kill()
            _, stderr = proc.communicate(timeout=10)
            pytest.fail(f"the workload did not start (round {round_no}): {line!r}\n{stderr}")
        time.sleep(rng.uniform(0.02, 0.2))  # the random moment of the crash, not a wait for anything
        if proc.poll() is not None:
            _, stderr = proc.communicate(timeout=10)
            pytest.fail(f"the workload died on its own in round {round_no} (exit {proc.returncode}):\n{stderr}")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def _rows(process_test: ProcessTestHarness, sql: str) -> list[tuple[Any, ...]]:
    with process_test.engine.pool.connection() as conn:
        return [tuple(row) for row in conn.execute(sql).fetchall()]


def _check_consistency(process_test: ProcessTestHarness) -> None:
    problems: dict[str, list[tuple[Any, ...]]] = {
        "process instance without its root element instance": _rows(
            process_test,
            "SELECT p.key FROM engine.process_instance p WHERE NOT EXISTS (SELECT 1 FROM engine.element_instance e"
            " WHERE e.key = p.key AND e.process_instance_key = p.key AND e.element_type = 'PROCESS')",
        ),
        "active instance without a live token": _rows(
            process_test,
            "SELECT p.key FROM engine.process_instance p WHERE p.state = 'ACTIVE' AND NOT EXISTS ("
            " SELECT 1 FROM engine.element_instance e WHERE e.process_instance_key = p.key"
            " AND e.element_type <> 'PROCESS' AND e.state NOT IN ('COMPLETED', 'TERMINATED'))"
            " OR p.state = 'ACTIVE' AND NOT EXISTS (SELECT 1 FROM engine.element_instance r WHERE r.key = p.key"
            " AND r.state NOT IN ('COMPLETED', 'TERMINATED'))",
        ),
        "open job of an element instance that is not live": _rows(
            process_test,
            "SELECT j.key, j.state, e.state FROM engine.job j LEFT JOIN engine.element_instance e"
            " ON e.key = j.element_instance_key WHERE j.state IN ('ACTIVATABLE', 'ACTIVATED')"
            " AND (e.key IS NULL OR e.state IN ('COMPLETED', 'TERMINATED'))",
        ),
        "completed instance with an element instance not in a final state": _rows(
            process_test,
            "SELECT p.key, e.element_id, e.state FROM engine.process_instance p JOIN engine.element_instance e"
            " ON e.process_instance_key = p.key WHERE p.state = 'COMPLETED'"
            " AND e.state NOT IN ('COMPLETED', 'TERMINATED')",
        ),
        "completed element instance without an ELEMENT_COMPLETED record": _rows(
            process_test,
            "SELECT e.key, e.element_id FROM engine.element_instance e WHERE e.state = 'COMPLETED' AND NOT EXISTS ("
            " SELECT 1 FROM engine.record r WHERE r.process_instance_key = e.process_instance_key AND r.key = e.key"
            " AND r.value_type = 'PROCESS_INSTANCE' AND r.intent = 'ELEMENT_COMPLETED')",
        ),
        "open subscription or timer of an element instance that is not live": _rows(
            process_test,
            "SELECT s.key, 'subscription' FROM engine.message_subscription s JOIN engine.element_instance e"
            " ON e.key = s.element_instance_key WHERE s.state = 'OPEN' AND e.state IN ('COMPLETED', 'TERMINATED')"
            " UNION ALL SELECT t.key, 'timer' FROM engine.timer t JOIN engine.element_instance e"
            " ON e.key = t.element_instance_key WHERE t.state = 'ACTIVE' AND e.state IN ('COMPLETED', 'TERMINATED')",
        ),
    }
    found = {what: rows[:5] for what, rows in problems.items() if rows}
    assert not found, f"inconsistent state after crashes: {found}"


def _finish_everything(process_test: ProcessTestHarness) -> None:
    """Carry on as a fresh worker: time out the dead workers' jobs, complete every job, publish
    every awaited message, until no instance is active (bounded)."""
    engine = process_test.engine
    process_test.clock.increase_time(timedelta(minutes=2))  # past the dead workers' job deadlines
    for _ in range(50):
        engine.run_due_work()
        progressed = 0
        for job_type in ("crash.reserve", "crash.ship"):
            for job in engine.activate_jobs(job_type, worker="survivor", max_jobs=100):
                engine.complete_job(job.key, {"reserved": True} if job_type == "crash.reserve" else {})
                progressed += 1
        for (correlation_key,) in _rows(
            process_test,
            "SELECT DISTINCT correlation_key FROM engine.message_subscription WHERE state = 'OPEN'"
            " AND message_name = 'crash.paid'",
        ):
            engine.publish_message("crash.paid", correlation_key, variables={"paid": True})
            progressed += 1
        if not progressed and not _rows(
            process_test, "SELECT key FROM engine.process_instance WHERE state = 'ACTIVE' LIMIT 1"
        ):
            return


@pytest.mark.slow
def test_state_stays_consistent_and_usable_when_the_engine_process_is_killed_at_random(
    process_test: ProcessTestHarness, engine_database_url: str
) -> None:
    # given
    rng = random.Random()
    seed = rng.randrange(1_000_000)
    rng.seed(seed)
    # when
    for round_no in range(ROUNDS):
        _run_and_kill(engine_database_url, round_no, rng)
    # then: the state is consistent as the crashes left it
    instances = _rows(process_test, "SELECT key, state FROM engine.process_instance")
    assert instances, f"the workload created no instance (seed {seed})"
    _check_consistency(process_test)
    # and the engine carries on from it: every instance completes
    _finish_everything(process_test)
    _check_consistency(process_test)
    states = _rows(process_test, "SELECT state, count(*) FROM engine.process_instance GROUP BY state ORDER BY state")
    assert states == [("COMPLETED", len(instances))], f"seed {seed}: {states}"
    stuck = _rows(process_test, "SELECT key, error_type, error_message FROM engine.incident WHERE state = 'ACTIVE'")
    assert stuck == [], f"seed {seed}"
    assert _rows(process_test, "SELECT count(*) FROM engine.message_correlation WHERE NOT applied") == [(0,)]


def test_the_consistency_check_reports_a_job_left_open_for_a_finished_element(
    process_test: ProcessTestHarness,
) -> None:
    # given: a consistent instance, then one that is broken by hand
    process_test.deploy(
        process("crash-check").start_event().service_task("t", job_type="crash.check").end_event().done()
    )
    instance = process_test.create_instance("crash-check")
    _check_consistency(process_test)
    with process_test.engine.pool.connection() as conn:
        conn.execute(
            "UPDATE engine.element_instance SET state = 'TERMINATED' WHERE process_instance_key = %s"
            " AND element_id = 't'",
            (instance.process_instance_key,),
        )
    # when / then
    with pytest.raises(AssertionError, match="open job of an element instance that is not live"):
        _check_consistency(process_test)
