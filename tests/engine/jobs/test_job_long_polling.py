"""Long polling: ``activate_jobs(..., request_timeout_ms=…)`` waits for a job of its type to appear
and returns as soon as one does; with none, it returns nothing when its request timeout is up.

The wait for the poller to block is made explicit by spying on the notifier's ``wait``; every
wait in the test has a timeout, nothing sleeps."""

import threading
import time
from datetime import timedelta
from typing import Any

import pytest

from oms.engine.commands.jobs import ActivatedJob
from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness


class _Poller:
    """Runs one long-polling activation on a thread and keeps what it got and how long it took."""

    def __init__(self, process_test: ProcessTestHarness, job_type: str, request_timeout_ms: int) -> None:
        self.result: list[ActivatedJob] | None = None
        self.error: BaseException | None = None
        self.elapsed_s = 0.0
        self.done = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(process_test, job_type, request_timeout_ms), daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def _run(self, process_test: ProcessTestHarness, job_type: str, request_timeout_ms: int) -> None:
        started = time.monotonic()
        try:
            self.result = process_test.engine.activate_jobs(
                job_type, worker="long-poller", request_timeout_ms=request_timeout_ms
            )
        except BaseException as error:
            self.error = error
        finally:
            self.elapsed_s = time.monotonic() - started
            self.done.set()


def _spy_on_waits(process_test: ProcessTestHarness, monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """An event set when a poller starts waiting for a notification (after finding nothing)."""
    notifier = process_test.engine._notifier
    original = notifier.wait
    waiting = threading.Event()

    def wait(*args: Any, **kwargs: Any) -> bool:
        waiting.set()
        return original(*args, **kwargs)

    monkeypatch.setattr(notifier, "wait", wait)
    return waiting


def test_long_polling_activation_returns_the_job_as_soon_as_one_of_its_type_is_created(
    process_test: ProcessTestHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    process_test.deploy(
        process("jobs-long-poll").start_event().service_task("t", job_type="jobs.long.poll").end_event().done()
    )
    waiting = _spy_on_waits(process_test, monkeypatch)
    poller = _Poller(process_test, "jobs.long.poll", request_timeout_ms=5000)
    poller.start()
    assert waiting.wait(timeout=5), "the poller never started waiting"
    assert not poller.done.is_set()
    # when
    instance = process_test.create_instance("jobs-long-poll", {"orderId": "o-1"})
    # then
    assert poller.done.wait(timeout=4), "the long poll did not return after the job was created"
    assert poller.error is None
    assert poller.result is not None
    assert [job.process_instance_key for job in poller.result] == [instance.process_instance_key]
    assert poller.result[0].worker == "long-poller"
    assert poller.result[0].variables == {"orderId": "o-1"}
    assert poller.elapsed_s < 2, f"took {poller.elapsed_s:.3f}s of a 5 s request timeout"


def test_long_polling_activation_is_not_woken_for_a_job_of_another_type(
    process_test: ProcessTestHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    process_test.deploy(
        process("jobs-long-poll-other")
        .start_event()
        .service_task("t", job_type="jobs.long.poll.other")
        .end_event()
        .done()
    )
    waiting = _spy_on_waits(process_test, monkeypatch)
    poller = _Poller(process_test, "jobs.long.poll.mine", request_timeout_ms=300)
    poller.start()
    assert waiting.wait(timeout=5), "the poller never started waiting"
    # when
    process_test.create_instance("jobs-long-poll-other")
    # then
    assert poller.done.wait(timeout=5), "the long poll did not return after its request timeout"
    assert poller.error is None
    assert poller.result == []
    (job,) = process_test.engine.activate_jobs("jobs.long.poll.other", worker="w")
    assert job.type == "jobs.long.poll.other"


def test_long_polling_activation_returns_nothing_when_its_request_timeout_passes(
    process_test: ProcessTestHarness,
) -> None:
    # given
    poller = _Poller(process_test, "jobs.long.poll.never", request_timeout_ms=200)
    # when
    poller.start()
    # then
    assert poller.done.wait(timeout=5), "the long poll did not return after its request timeout"
    assert poller.error is None
    assert poller.result == []
    assert 0.19 <= poller.elapsed_s < 2, f"returned after {poller.elapsed_s:.3f}s for a 200 ms request timeout"


def test_activation_with_a_job_present_returns_at_once_despite_a_request_timeout(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.deploy(
        process("jobs-long-poll-present")
        .start_event()
        .service_task("t", job_type="jobs.long.poll.present")
        .end_event()
        .done()
    )
    instance = process_test.create_instance("jobs-long-poll-present")
    poller = _Poller(process_test, "jobs.long.poll.present", request_timeout_ms=5000)
    # when
    poller.start()
    # then
    assert poller.done.wait(timeout=4)
    assert poller.result is not None
    assert [job.process_instance_key for job in poller.result] == [instance.process_instance_key]
    assert poller.elapsed_s < 2


def test_long_polling_activation_is_woken_when_a_failed_job_becomes_activatable_again(
    process_test: ProcessTestHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    process_test.deploy(
        process("jobs-long-poll-retry")
        .start_event()
        .service_task("t", job_type="jobs.long.poll.retry")
        .end_event()
        .done()
    )
    process_test.create_instance("jobs-long-poll-retry")
    (job,) = process_test.engine.activate_jobs("jobs.long.poll.retry", worker="first")
    waiting = _spy_on_waits(process_test, monkeypatch)
    poller = _Poller(process_test, "jobs.long.poll.retry", request_timeout_ms=5000)
    poller.start()
    assert waiting.wait(timeout=5), "the poller never started waiting"
    # when
    process_test.engine.fail_job(job.key, retries=2, error_message="try again")
    # then
    assert poller.done.wait(timeout=4), "the long poll was not woken by the failed job"
    assert poller.result is not None
    assert [(j.key, j.retries) for j in poller.result] == [(job.key, 2)]
    assert poller.elapsed_s < 2


def test_background_services_time_out_jobs_and_wake_long_polling_workers(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.deploy(
        process("jobs-background").start_event().service_task("t", job_type="jobs.background").end_event().done()
    )
    process_test.create_instance("jobs-background")
    (job,) = process_test.engine.activate_jobs("jobs.background", worker="crashed", timeout_ms=1000)
    process_test.clock.increase_time(timedelta(seconds=2))
    # when
    process_test.engine.start_background_services(interval_s=0.05)
    try:
        jobs = process_test.engine.activate_jobs("jobs.background", worker="survivor", request_timeout_ms=5000)
    finally:
        services = process_test.engine._services
        process_test.engine.stop_background_services()
    # then
    assert [(j.key, j.worker) for j in jobs] == [(job.key, "survivor")]
    assert services is not None and services.errors == []
