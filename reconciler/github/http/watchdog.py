"""The backstop for a request's deadline: a thread that closes sockets which outlive it.

Socket timeouts bound each read, not the sum of them: a server that sends its headers one byte
a second, each within the read timeout, would hold a request for as long as it likes (the body
is read in chunks with the timeout cut to the deadline, see body.py; the headers are read by
http.client, out of reach). So every request is guarded: the connection registers its socket
when it starts waiting for the answer, and one shared thread shuts down the sockets whose
deadline has passed. The blocked read then fails at once and the transport reports the deadline.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from collections.abc import Iterator

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.response import HTTPResponse


class Guard:
    """One request's deadline, and the sockets it is waiting on."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.armed = True
        self.fired = False

    def attach(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            if self.armed:
                self._sockets.append(sock)

    def disarm(self) -> None:
        """The answer is in: its connection goes back to the pool and must not be touched."""
        with self._lock:
            self.armed = False
            self._sockets.clear()

    def fire(self) -> None:
        with self._lock:
            if not self.armed:
                return
            self.fired = True
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    # socket.socket's own shutdown: an SSLSocket's would also drop its TLS state
                    # under the reading thread.
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)


class Watchdog:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Guard]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    @contextlib.contextmanager
    def guard(self, deadline: float) -> Iterator[Guard]:
        guard = Guard(deadline)
        with self._cond:
            heapq.heappush(self._heap, (deadline, next(self._order), guard))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="http-deadline-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()
        previous = getattr(_current, "guard", None)
        _current.guard = guard
        try:
            yield guard
        finally:
            _current.guard = previous
            guard.disarm()

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._heap and not self._heap[0][2].armed:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait()
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                _, _, due = heapq.heappop(self._heap)
            due.fire()


WATCHDOG = Watchdog()
_current = threading.local()


def _attach_current(sock: socket.socket | None) -> None:
    guard: Guard | None = getattr(_current, "guard", None)
    if guard is not None:
        guard.attach(sock)


class _WatchedHTTPConnection(HTTPConnection):
    def getresponse(self) -> HTTPResponse:  # type: ignore[override]  # as urllib3 declares it
        _attach_current(self.sock)
        return super().getresponse()


class _WatchedHTTPSConnection(HTTPSConnection):
    def getresponse(self) -> HTTPResponse:  # type: ignore[override]  # as urllib3 declares it
        _attach_current(self.sock)
        return super().getresponse()


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


WATCHED_POOLS: dict[str, type[HTTPConnectionPool]] = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}
