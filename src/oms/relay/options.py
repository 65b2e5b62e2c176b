"""How the relay paces itself: exponential back-off without jitter (attempts are claimed from the
database by time, so several relays spread themselves already, and tests can predict every delay),
leases, batch sizes and the time to live of published messages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Backoff:
    initial: timedelta = timedelta(seconds=1)
    factor: float = 2.0
    maximum: timedelta = timedelta(minutes=5)
    #: attempts before a request is given up (status ``failed``, for an operator); 0: never give up
    max_attempts: int = 30

    def __post_init__(self) -> None:
        if self.initial <= timedelta(0) or self.factor < 1 or self.maximum < self.initial or self.max_attempts < 0:
            raise ValueError(f"Expected a positive, growing, capped back-off, but got {self}")

    def delay(self, attempt: int) -> timedelta:
        """The wait after failed attempt number ``attempt`` (1 for the first)."""
        seconds = self.initial.total_seconds() * self.factor ** max(attempt - 1, 0)
        return min(timedelta(seconds=seconds), self.maximum)

    def exhausted(self, attempt: int) -> bool:
        return self.max_attempts > 0 and attempt >= self.max_attempts


@dataclass(frozen=True)
class RelayOptions:
    batch_size: int = 50
    backoff: Backoff = Backoff()
    #: how long a claimed row stays away from other relays: longer than one engine call can take
    lease: timedelta = timedelta(minutes=2)
    #: how long a search may miss an instance created a moment ago (0 in-process; seconds on Camunda 8)
    search_lag: timedelta = timedelta(0)
    #: how long a published message waits (buffered) for its catch event
    message_ttl: timedelta = timedelta(days=1)
    #: engine calls in flight at once within a claimed batch (messages of one correlation key stay
    #: in order). More than one drains a backlog of start requests sooner, but in the one-process
    #: system that only moves the queue to the jobs: see docs/benchmarks.md, "End to end"
    concurrency: int = 1

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise ValueError(f"Expected a batch size of at least 1, but got {self.batch_size}")
        if self.concurrency < 1:
            raise ValueError(f"Expected a concurrency of at least 1, but got {self.concurrency}")
        if self.lease <= timedelta(0) or self.search_lag < timedelta(0) or self.message_ttl < timedelta(0):
            raise ValueError("Expected a positive lease and no negative search lag or time to live")

    @property
    def claim_lease(self) -> timedelta:
        return max(self.lease, self.search_lag)

    def retry_delay(self, attempt: int) -> timedelta:
        return max(self.backoff.delay(attempt), self.search_lag)


def run_each(items: Sequence[T], action: Callable[[T], None], concurrency: int) -> None:
    """``action`` for every item, up to ``concurrency`` at once; returns when all are done. Each
    action records its own outcome (and logs its own failures), as it does when run in a loop."""
    if concurrency == 1 or len(items) < 2:
        for item in items:
            action(item)
        return
    with ThreadPoolExecutor(max_workers=min(concurrency, len(items)), thread_name_prefix="workflow-relay") as pool:
        for future in [pool.submit(action, item) for item in items]:
            future.result()
