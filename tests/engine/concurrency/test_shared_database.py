"""Several engine processes on one database: commands on one instance are serialised by its row
lock, so concurrent completions of parallel branches join correctly, and a job is handed out once."""

from __future__ import annotations

import threading
from uuid import uuid4

from oms.engine import Engine
from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness


def _fork_join(process_id: str) -> bytes:
    return (
        process(process_id)
        .start_event()
        .parallel_gateway("fork")
        .service_task("a", job_type=f"{process_id}.a")
        .parallel_gateway("join")
        .end_event("end")
        .branch_from("fork")
        .service_task("b", job_type=f"{process_id}.b")
        .connect_to("join")
        .done()
    )


def test_concurrent_completions_from_two_engines_join_parallel_branches(
    process_test: ProcessTestHarness, engine_database_url: str
) -> None:
    # given: one instance waiting on two parallel jobs, and a second engine on the same database
    process_id = f"shared-{uuid4().hex[:8]}"
    process_test.deploy(_fork_join(process_id))
    instances = [process_test.create_instance(process_id) for _ in range(20)]
    jobs_a = process_test.engine.activate_jobs(f"{process_id}.a", max_jobs=100)
    jobs_b = process_test.engine.activate_jobs(f"{process_id}.b", max_jobs=100)
    assert len(jobs_a) == len(jobs_b) == 20
    other = Engine.connect(engine_database_url, install_schema=False, pool_size=4)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def complete_all(engine: Engine, keys: list[int]) -> None:
        try:
            start.wait(timeout=10)
            for key in keys:
                engine.complete_job(key)
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)

    # when: each engine completes one branch of every instance at the same time
    threads = [
        threading.Thread(target=complete_all, args=(process_test.engine, [j.key for j in jobs_a])),
        threading.Thread(target=complete_all, args=(other, [j.key for j in jobs_b])),
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        other.close()
    # then: no lost update: every join saw both branches and every instance completed once
    assert errors == []
    for instance in instances:
        process_test.assert_that(instance).is_completed().has_completed_elements("a", "b", "join", "end")
        completed_joins = [
            e
            for e in process_test.engine.queries.element_instances(instance.process_instance_key)
            if e.element_id == "join" and e.state == "COMPLETED"
        ]
        assert len(completed_joins) == 1


def test_two_engines_never_hand_out_the_same_job(process_test: ProcessTestHarness, engine_database_url: str) -> None:
    # given: 60 activatable jobs and two engines polling for them at once
    process_id = f"shared-activation-{uuid4().hex[:8]}"
    process_test.deploy(
        process(process_id).start_event().service_task("t", job_type=f"{process_id}.t").end_event().done()
    )
    for _ in range(60):
        process_test.create_instance(process_id)
    other = Engine.connect(engine_database_url, install_schema=False, pool_size=4)
    start = threading.Barrier(2)
    taken: list[list[int]] = [[], []]

    def take(engine: Engine, into: list[int]) -> None:
        start.wait(timeout=10)
        while batch := engine.activate_jobs(f"{process_id}.t", max_jobs=7):
            into.extend(job.key for job in batch)

    # when
    threads = [
        threading.Thread(target=take, args=(process_test.engine, taken[0])),
        threading.Thread(target=take, args=(other, taken[1])),
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        other.close()
    # then: every job exactly once
    every = taken[0] + taken[1]
    assert len(every) == 60
    assert len(set(every)) == 60
