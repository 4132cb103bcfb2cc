"""A small threaded HTTP server on loopback that misbehaves on purpose, one scenario per path.

Tests register scenarios (`server.route("/drip", drip(...))`) and point the client at
`server.url`. Every request it receives is recorded (method, path, headers, body), so a test
can assert what reached it, and what did not. Streaming scenarios stop when the client hangs
up or the server stops.
"""

from __future__ import annotations

import json
import threading
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from reconciler.sandbox.server import shutdown_promptly

MiB = 1024 * 1024
JSON = "application/json; charset=utf-8"
_CLIENT_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes


class Exchange(BaseHTTPRequestHandler):
    """What a scenario gets: the request, and ways to answer it."""

    protocol_version = "HTTP/1.1"
    # Headers and body leave without waiting for the client's delayed ACK (40 ms a request).
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.path).query)

    @property
    def base(self) -> str:
        return self.server.owner.url

    @property
    def stopping(self) -> threading.Event:
        return self.server.owner.stopping

    def reply(
        self,
        status: int,
        body: Any = None,
        *,
        headers: Mapping[str, str] | None = None,
        raw: bytes | None = None,
        content_type: str = JSON,
    ) -> None:
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        self.send_response(status)
        if data:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status not in (204, 304):
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data and status not in (204, 304):
            self.wfile.write(data)

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        owner = self.server.owner
        seen = Seen(
            self.command, split.path, parse_qs(split.query), {k.lower(): v for k, v in self.headers.items()}, body
        )
        with owner.lock:
            owner.seen.append(seen)
            scenario = owner.routes.get(split.path)
        try:
            if scenario is None:
                self.reply(404, {"message": "Not Found"})
            else:
                scenario(self)
            self.wfile.flush()
        except _CLIENT_GONE:
            self.close_connection = True


Scenario = Callable[[Exchange], None]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: HostileServer


class HostileServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.lock = threading.Lock()
        self.routes: dict[str, Scenario] = {}
        self.seen: list[Seen] = []
        self.stopping = threading.Event()
        self._server = _Server((host, 0), Exchange)
        self._server.owner = self
        self.port = self._server.server_address[1]
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def route(self, path: str, scenario: Scenario) -> None:
        with self.lock:
            self.routes[path] = scenario

    def requests(self) -> list[Seen]:
        with self.lock:
            return list(self.seen)

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        # Not after its 50 ms poll: a plain shutdown() costs that on every test.
        shutdown_promptly(self._server, thread_name="hostile-stop")
        self._server.server_close()
        self._thread.join(timeout=5)


# -- scenarios -------------------------------------------------------------------------------


def answer(status: int, body: Any = None, *, headers: Mapping[str, str] | None = None) -> Scenario:
    def scenario(exchange: Exchange) -> None:
        exchange.reply(status, body, headers=headers)

    return scenario


def raw_answer(status: int, data: bytes, content_type: str, headers: Mapping[str, str] | None = None) -> Scenario:
    def scenario(exchange: Exchange) -> None:
        exchange.reply(status, raw=data, content_type=content_type, headers=headers)

    return scenario


def pages(next_page: Callable[[int], int | None], items_per_page: int = 2) -> Scenario:
    """A listing whose page N links to page next_page(N) (None: the last page)."""

    def scenario(exchange: Exchange) -> None:
        page = int(exchange.query.get("page", ["1"])[0])
        following = next_page(page)
        path = urlsplit(exchange.path).path
        headers = {"Link": f'<{exchange.base}{path}?per_page=100&page={following}>; rel="next"'} if following else {}
        items = [{"id": page * 1000 + n} for n in range(items_per_page)]
        exchange.reply(200, items, headers=headers)

    return scenario


def drip(interval: float, length: int = 100) -> Scenario:
    """Headers at once, then the body one byte every `interval` seconds."""

    def scenario(exchange: Exchange) -> None:
        exchange.send_response(200)
        exchange.send_header("Content-Type", JSON)
        exchange.send_header("Content-Length", str(length))
        exchange.end_headers()
        exchange.wfile.flush()
        for _ in range(length):
            if exchange.stopping.wait(interval):
                return
            exchange.wfile.write(b" ")
            exchange.wfile.flush()

    return scenario


def drip_headers(interval: float) -> Scenario:
    """A status line, then a header that never ends, one byte every `interval` seconds."""

    def scenario(exchange: Exchange) -> None:
        exchange.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        exchange.wfile.flush()
        while not exchange.stopping.wait(interval):
            exchange.wfile.write(b"z")
            exchange.wfile.flush()

    return scenario


def endless_body(total: int, *, declare_length: bool) -> Scenario:
    """`total` bytes of a JSON-looking body, sent a megabyte at a time; with or without a
    Content-Length (chunked, so the size is only known by reading)."""
    chunk = b"[" + b" " * (MiB - 1)

    def scenario(exchange: Exchange) -> None:
        exchange.send_response(200)
        exchange.send_header("Content-Type", JSON)
        if declare_length:
            exchange.send_header("Content-Length", str(total))
        else:
            exchange.send_header("Transfer-Encoding", "chunked")
        exchange.end_headers()
        sent = 0
        while sent < total and not exchange.stopping.is_set():
            piece = chunk[: min(MiB, total - sent)]
            exchange.wfile.write(piece if declare_length else b"%x\r\n%s\r\n" % (len(piece), piece))
            sent += len(piece)
        if not declare_length:
            exchange.wfile.write(b"0\r\n\r\n")

    return scenario


def gzip_bomb(inflated: int) -> bytes:
    """A valid gzip member of `inflated` zero bytes (a multiple of 1 MiB), about 1/1000 the size.

    Deflate's full flush resets the compressor and aligns the output to a byte, so the block for
    each further mebibyte of zeros is the same bytes: compress two, repeat the second.
    """
    if inflated % MiB or inflated < 2 * MiB:
        raise ValueError("the inflated size must be a multiple of 1 MiB, at least 2 MiB")
    zeros = bytes(MiB)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    repeated = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    end = deflate.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(inflated // MiB):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = crc.to_bytes(4, "little") + (inflated % 2**32).to_bytes(4, "little")
    return b"".join(_bomb_parts(header, first, repeated, inflated // MiB - 1, end, trailer))


def _bomb_parts(
    header: bytes, first: bytes, repeated: bytes, times: int, end: bytes, trailer: bytes
) -> Iterator[bytes]:
    yield header
    yield first
    yield repeated * times
    yield end
    yield trailer


def redirect(status: int, location: str) -> Scenario:
    def scenario(exchange: Exchange) -> None:
        exchange.reply(status, {"message": "Moved Permanently", "url": location}, headers={"Location": location})

    return scenario
