"""The socket side: a ThreadingHTTPServer whose handler turns HTTP into ``RawRequest``s."""

from __future__ import annotations

import contextlib
import email.utils
import json
import re
import socket
import socketserver
import sys
import threading
import time
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .pipeline import Outcome, RawRequest

ADMIN_PREFIX = "/_sandbox"
ENTERPRISE_PREFIX = "/api/v3"
_HOST_HEADER = re.compile(r"^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.\-]+)(:\d{1,5})?$")

# Answers one API request, stats and observers included, before any byte goes out: a
# client that has its answer can rely on both having seen the exchange.
ApiHandler = Callable[[RawRequest], Outcome]
AdminHandler = Callable[[RawRequest], tuple[int, Any]]


def shutdown_promptly(server: socketserver.TCPServer, *, thread_name: str) -> None:
    """Stop ``server``'s `serve_forever` loop at once. `shutdown()` returns once the loop looks
    at its flag again, which is when its select times out: a whole poll interval, 50 ms, on
    every stop (a third of the fast test lane went waiting for it). A connection to ourselves
    wakes the select at once; poke until the loop has seen the flag, since the first poke may
    come before shutdown sets it. Any socketserver will do: the tests' hostile server uses it."""
    stopper = threading.Thread(target=server.shutdown, name=thread_name, daemon=True)
    stopper.start()
    address = server.server_address[:2]
    while stopper.is_alive():
        with contextlib.suppress(OSError), socket.create_connection(address, timeout=1):  # type: ignore[arg-type]
            pass
        stopper.join(0.005)


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # Reuse the port at once when a test restarts a sandbox on a fixed port.
    allow_reuse_address = True
    # socketserver's default backlog of 5 drops connections from a parallel client, which
    # then waits a second for a SYN retry; GitHub allows 100 concurrent requests.
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        *,
        api: ApiHandler,
        admin: AdminHandler,
        latency_seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(address, _Handler)
        self.api = api
        self.admin = admin
        self.latency_seconds = latency_seconds
        # The sandbox's clock: the Date header follows it, as clients that correct their JWT
        # times for clock skew (octokit) read it.
        self.clock = clock
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    @property
    def base_url(self) -> str:
        host, port = self.server_address[0], self.server_address[1]
        host_text = host if isinstance(host, str) else host.decode()
        if ":" in host_text:
            host_text = f"[{host_text}]"
        return f"http://{host_text}:{port}"

    def track(self, conn: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(conn)

    def untrack(self, conn: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(conn)

    def close_connections(self) -> None:
        """Keep-alive connections would otherwise keep their handler threads blocked in
        read() after the server stops listening."""
        with self._connections_lock:
            conns = list(self._connections)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as PyGithub and requests expect
    # Headers and body leave in one write with no Nagle delay; otherwise every answer waits
    # ~40 ms for the client's delayed ACK.
    disable_nagle_algorithm = True
    wbufsize = 64 * 1024
    server_version = "GitHub.com"
    sys_version = ""

    def version_string(self) -> str:
        return self.server_version

    def date_time_string(self, timestamp: float | None = None) -> str:
        return email.utils.formatdate(self.server.clock() if timestamp is None else timestamp, usegmt=True)

    server: SandboxHTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def do_GET(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        # Quiet by default; the stats and observers are the record of what happened.
        return

    # -- request --------------------------------------------------------------------------

    def _handle(self) -> None:
        body = self._read_body()
        split = urlsplit(self.path)
        path, base_url = split.path or "/", self._base_url()
        if path == ENTERPRISE_PREFIX or path.startswith(ENTERPRISE_PREFIX + "/"):
            # GitHub Enterprise Server serves REST under /api/v3 (and GraphQL at /api/graphql):
            # a client set up for one gets the same API here, and every URL it is handed (Link
            # headers, `url` fields) stays under the prefix, as a GHES client expects.
            path, base_url = path[len(ENTERPRISE_PREFIX) :] or "/", base_url + ENTERPRISE_PREFIX
        request = RawRequest(
            method=self.command.upper(),
            path=path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            base_url=base_url,
            client_ip=str(self.client_address[0]),
        )
        if request.path == ADMIN_PREFIX or request.path.startswith(ADMIN_PREFIX + "/"):
            self._handle_admin(request)
            return
        if self.server.latency_seconds > 0:
            time.sleep(self.server.latency_seconds)
        try:
            outcome = self.server.api(request)
        except Exception:
            # Never a dropped connection: GitHub would answer something.
            traceback.print_exc(file=sys.stderr)
            body = json.dumps({"message": "Server Error", "status": "500"}).encode()
            outcome = Outcome(500, {"Content-Type": "application/json; charset=utf-8"}, body)
        self._write(outcome.status, outcome.headers, outcome.body)

    def _handle_admin(self, request: RawRequest) -> None:
        status, payload = self.server.admin(request)
        body = b"" if payload is None else json.dumps(payload, indent=1, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"} if body else {}
        self._write(status, headers, body)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                # Trailers, if any, end with an empty line.
                while self.rfile.readline().strip():
                    pass
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _base_url(self) -> str:
        # Answer with the address the client used, so every URL we hand out (Link headers,
        # `url` fields) is on the host and port PyGithub insists on.
        host = self.headers.get("Host", "")
        if host and _HOST_HEADER.match(host):
            return f"http://{host}"
        return self.server.base_url

    # -- response -------------------------------------------------------------------------

    def _write(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        # A HEAD answer names the length its GET would have (set by the pipeline).
        has_length = any(name.lower() == "content-length" for name in headers)
        if status not in (204, 304) and not (100 <= status < 200) and not has_length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and status not in (204, 304):
            self.wfile.write(body)
        self.wfile.flush()
