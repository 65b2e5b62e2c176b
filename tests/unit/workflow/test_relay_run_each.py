"""The relay's batch runner: every claimed row is handled, up to the concurrency at once."""

from __future__ import annotations

import threading

import pytest

from oms.relay.options import RelayOptions, run_each


def test_every_item_is_handled_and_no_more_than_the_concurrency_at_once() -> None:
    lock = threading.Lock()
    running = peak = 0
    done: list[int] = []
    both_in = threading.Barrier(2)

    def action(item: int) -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        if item < 2:
            both_in.wait(timeout=5)  # the first two are in flight together
        with lock:
            running -= 1
            done.append(item)

    run_each(list(range(10)), action, concurrency=2)

    assert sorted(done) == list(range(10))
    assert peak == 2


def test_a_failure_is_raised_after_the_others_were_handled() -> None:
    done: list[int] = []

    def action(item: int) -> None:
        if item == 0:
            raise RuntimeError("the database went away")
        done.append(item)

    with pytest.raises(RuntimeError, match="went away"):
        run_each([0, 1, 2], action, concurrency=2)
    assert sorted(done) == [1, 2]


def test_the_concurrency_is_at_least_one() -> None:
    with pytest.raises(ValueError, match="concurrency"):
        RelayOptions(concurrency=0)
