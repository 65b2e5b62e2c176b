"""Wakes long-polling job activations within milliseconds of a new job (``LISTEN/NOTIFY``).

One listening connection per engine process; waiters block on a condition variable and compare a
per-type counter, so a notification that lands between "found nothing" and "wait" is not lost.
"""

from __future__ import annotations

import threading

import psycopg

from oms.engine.state.json import configure_connection


class JobNotifier:
    def __init__(self, conninfo: str) -> None:
        self._conninfo = conninfo
        self._condition = threading.Condition()
        self._counters: dict[str, int] = {}
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._listen, name="engine-job-notifier", daemon=True)
        self._thread.start()
        self._ready.wait(timeout=10)

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def version(self, job_type: str) -> int:
        with self._condition:
            return self._counters.get(job_type, 0)

    def wait(self, job_type: str, seen_version: int, timeout_s: float) -> bool:
        """Wait until a job of ``job_type`` was announced after ``seen_version``; False on timeout."""
        with self._condition:
            return self._condition.wait_for(lambda: self._counters.get(job_type, 0) != seen_version, timeout_s)

    def announce(self, job_type: str) -> None:
        with self._condition:
            self._counters[job_type] = self._counters.get(job_type, 0) + 1
            self._condition.notify_all()

    def _listen(self) -> None:
        while not self._stopping.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as conn:
                    configure_connection(conn)
                    conn.execute("LISTEN engine_jobs")
                    self._ready.set()
                    # Anything announced while (re)connecting may have been missed: wake everyone.
                    self._announce_all()
                    while not self._stopping.is_set():
                        for notify in conn.notifies(timeout=0.5):
                            self.announce(notify.payload)
            except psycopg.OperationalError:
                if self._stopping.wait(0.5):
                    return

    def _announce_all(self) -> None:
        with self._condition:
            for job_type in list(self._counters):
                self._counters[job_type] += 1
            self._condition.notify_all()
