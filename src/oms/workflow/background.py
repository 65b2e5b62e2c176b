"""The background thread of the workflow relay and the scheduler: one daemon thread running the
service's ``_loop`` until ``stop``, which the loop sees as ``_stopping`` (and waits on, so a stop
cuts a wait short)."""

from __future__ import annotations

import threading
from datetime import timedelta


class BackgroundLoop:
    def __init__(self, name: str, *, stop_timeout: timedelta) -> None:
        self._name = name
        self._stop_timeout = stop_timeout
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread; a loop already running is left as it is."""
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
        self._thread.start()

    def stop(self, timeout: timedelta | None = None) -> bool:
        """Stop after the current pass; False if the loop did not end within ``timeout`` (by default
        the service's own)."""
        self._stopping.set()
        if self._thread is None:
            return True
        self._thread.join((self._stop_timeout if timeout is None else timeout).total_seconds())
        stopped = not self._thread.is_alive()
        self._thread = None
        return stopped

    def _loop(self) -> None:
        raise NotImplementedError
