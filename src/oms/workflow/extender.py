"""Keeps the jobs of long-running handlers alive: extends each job's deadline on a fixed period.

One thread serves every in-flight job of a runtime (a heap of due times), rather than a timer thread
per job: most handlers finish long before their first extension is due.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class DeadlineExtender(Generic[T]):
    """Calls ``extend(item)`` every ``period_s`` seconds for each tracked item until it is untracked.

    ``extend`` runs on the extender's thread, outside its lock, so a slow call delays other
    extensions but never the runtime. It must not raise (the runtime's logs and counts failures)."""

    def __init__(self, period_s: float, extend: Callable[[T], None], *, name: str = "job-deadline-extender") -> None:
        if period_s <= 0:
            raise ValueError(f"Expected a positive extension period, but got {period_s} s")
        self._period_s = period_s
        self._extend = extend
        self._heap: list[tuple[float, int, T]] = []
        self._tracked: set[int] = set()  # id(item) of items still tracked; the heap forgets lazily
        self._sequence = itertools.count()
        self._condition = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        with self._condition:
            self._stopped = True
            self._condition.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    def track(self, item: T) -> None:
        with self._condition:
            self._tracked.add(id(item))
            heapq.heappush(self._heap, (time.monotonic() + self._period_s, next(self._sequence), item))
            self._condition.notify_all()

    def untrack(self, item: T) -> None:
        with self._condition:
            self._tracked.discard(id(item))

    def _run(self) -> None:
        while True:
            with self._condition:
                item = self._next_due()
                if item is None:
                    return
            self._extend(item)
            with self._condition:
                if id(item) in self._tracked:
                    heapq.heappush(self._heap, (time.monotonic() + self._period_s, next(self._sequence), item))

    def _next_due(self) -> T | None:
        """Wait (holding the condition) until an item is due; None once stopped."""
        while not self._stopped:
            if not self._heap:
                self._condition.wait()
                continue
            due, _, item = self._heap[0]
            if id(item) not in self._tracked:
                heapq.heappop(self._heap)
                continue
            remaining = due - time.monotonic()
            if remaining > 0:
                self._condition.wait(remaining)
                continue
            heapq.heappop(self._heap)
            return item
        return None
