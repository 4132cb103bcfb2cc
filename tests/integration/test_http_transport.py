"""One connection pool shared by threads, within the concurrency cap; proxies decided once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from reconciler.github.http import Call, Limits
from tests.hostile_server import Exchange, HostileServer
from tests.http_support import TOKEN, reader


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with HostileServer() as running:
        yield running


def test_threads_share_a_pool_and_never_exceed_the_concurrency_cap(server: HostileServer) -> None:
    lock = threading.Lock()
    in_flight = {"now": 0, "most": 0}
    clients: set[int] = set()

    def slow(exchange: Exchange) -> None:
        with lock:
            in_flight["now"] += 1
            in_flight["most"] = max(in_flight["most"], in_flight["now"])
            clients.add(exchange.client_address[1])
        time.sleep(0.02)  # the server is slow; the client never sleeps
        with lock:
            in_flight["now"] -= 1
        exchange.reply(200, {"ok": True})

    server.route("/user", slow)
    github = reader(server.url, limits=Limits.none(concurrency=4))
    with ThreadPoolExecutor(max_workers=12) as pool:
        replies = list(pool.map(lambda _: github.get("/user", Call("read the user")).status, range(48)))
    assert replies == [200] * 48
    assert in_flight["most"] <= 4
    # Connections are kept and reused: a handful for 48 requests.
    assert len(clients) <= 8


def test_the_proxy_is_decided_once_at_start(server: HostileServer) -> None:
    # The "proxy" is our loopback server: an http:// request through a proxy names the whole URL.
    server.route("/api/v3/repos/o/r", lambda exchange: exchange.reply(200, {"via": "proxy"}))
    environ = {"http_proxy": f"http://alice:pr0xy-secret@127.0.0.1:{server.port}"}
    github = reader("http://ghe.example.test/api/v3", environ=environ, allow_insecure_http=True)
    first = github.get("/repos/o/r", Call("read", "o/r"))
    environ.clear()  # a change after start is not looked up again
    second = github.get("/repos/o/r", Call("read", "o/r"))
    assert first.body == second.body == {"via": "proxy"}
    seen = server.requests()
    assert len(seen) == 2
    assert all(r.path == "/api/v3/repos/o/r" for r in seen)
    assert all(r.headers["proxy-authorization"].startswith("Basic ") for r in seen)
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in seen)
