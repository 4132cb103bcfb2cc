"""A hostile or broken server ends in a typed error, within a bounded time and memory.

Each test points the client at a loopback server that misbehaves one way: pagination that
never ends, a body that drips, a gzip bomb, a body of hundreds of megabytes, bodies that are not
what GitHub sends, redirects elsewhere, a token echoed back.
"""

from __future__ import annotations

import gzip
import socket
import time
import tracemalloc
from collections.abc import Callable

import pytest

from reconciler.errors import AuthenticationError, PermissionDeniedError, TransportError, ValidationFailedError
from reconciler.github.http import Bounds, Call, RetryPolicy, Timeouts, UnexpectedResponseError
from tests.hostile_server import (
    JSON,
    Exchange,
    HostileServer,
    MiB,
    answer,
    drip,
    drip_headers,
    endless_body,
    gzip_bomb,
    pages,
    raw_answer,
    redirect,
)
from tests.http_support import TOKEN, FakeClock, reader, writer

CALL = Call("list labels", "o/r")
PEAK_MEMORY_LIMIT = 300 * MiB


def failure_and_peak_memory(action: Callable[[], object]) -> tuple[Exception, int]:
    """The error `action()` ended in, and the peak bytes Python allocated while it ran."""
    tracemalloc.start()
    try:
        action()
    except Exception as exc:
        return exc, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    raise AssertionError("the hostile answer was accepted")


# -- pagination -------------------------------------------------------------------------------


def test_a_page_that_links_to_itself_is_refused(server: HostileServer) -> None:
    def self_link(exchange: Exchange) -> None:
        exchange.reply(200, [{"id": 1}], headers={"Link": f'<{exchange.base}{exchange.path}>; rel="next"'})

    server.route("/repos/o/r/labels", self_link)
    with pytest.raises(UnexpectedResponseError, match=r"GET /repos/o/r/labels\?per_page=100: .*a cycle") as caught:
        reader(server.url).get_all("/repos/o/r/labels", CALL)
    assert caught.value.repository == "o/r"
    assert len(server.requests()) == 1


def test_two_pages_that_link_to_each_other_are_refused(server: HostileServer) -> None:
    server.route("/repos/o/r/labels", pages(lambda page: 1 if page == 2 else 2))
    with pytest.raises(UnexpectedResponseError, match="cycle"):
        reader(server.url).get_all("/repos/o/r/labels", CALL)
    assert len(server.requests()) <= 4


def test_a_listing_that_never_ends_stops_at_the_page_cap(server: HostileServer) -> None:
    server.route("/repos/o/r/labels", pages(lambda page: page + 1))
    with pytest.raises(UnexpectedResponseError, match="goes on past 50 pages"):
        reader(server.url, bounds=Bounds(max_pages=50)).get_all("/repos/o/r/labels", CALL)
    assert len(server.requests()) == 50


def test_a_next_page_on_another_server_is_never_requested(server: HostileServer, elsewhere: HostileServer) -> None:
    def away(exchange: Exchange) -> None:
        exchange.reply(200, [{"id": 1}], headers={"Link": f'<{elsewhere.url}/repos/o/r/labels?page=2>; rel="next"'})

    server.route("/repos/o/r/labels", away)
    with pytest.raises(UnexpectedResponseError, match="another server"):
        reader(server.url).get_all("/repos/o/r/labels", CALL)
    assert elsewhere.requests() == []


# -- time and size ----------------------------------------------------------------------------


def test_a_body_dripping_one_byte_at_a_time_ends_at_the_deadline(server: HostileServer) -> None:
    server.route("/user", drip(interval=0.3, length=1000))
    github = reader(server.url, timeouts=Timeouts(connect=1, read=5, deadline=1.0), retry=RetryPolicy(attempts=1))
    started = time.monotonic()
    with pytest.raises(TransportError, match=r"127\.0\.0\.1:\d+ did not answer completely within 1s"):
        github.get("/user", Call("read the user"))
    # Each byte came well within the read timeout; only the deadline stops it.
    assert time.monotonic() - started < 2.5


def test_headers_dripping_one_byte_at_a_time_end_at_the_deadline(server: HostileServer) -> None:
    server.route("/user", drip_headers(interval=0.2))
    github = reader(server.url, timeouts=Timeouts(connect=1, read=5, deadline=1.0), retry=RetryPolicy(attempts=1))
    started = time.monotonic()
    with pytest.raises(TransportError, match=r"did not answer completely within 1s"):
        github.get("/user", Call("read the user"))
    assert time.monotonic() - started < 2.5


def test_a_gzip_bomb_fails_fast_without_inflating(server: HostileServer) -> None:
    bomb = gzip_bomb(2048 * MiB)
    assert len(bomb) < 3 * MiB
    server.route("/user", raw_answer(200, bomb, JSON, {"Content-Encoding": "gzip"}))
    github = reader(server.url)
    started = time.monotonic()
    error, peak = failure_and_peak_memory(lambda: github.get("/user", Call("read the user")))
    assert isinstance(error, UnexpectedResponseError)
    assert "inflates to more than 64 MiB" in str(error)
    assert peak < PEAK_MEMORY_LIMIT / 2, f"peak {peak / MiB:.0f} MiB"
    assert time.monotonic() - started < 10


def test_a_gzip_body_is_inflated(server: HostileServer) -> None:
    server.route("/user", raw_answer(200, gzip.compress(b'{"login": "octocat"}'), JSON, {"Content-Encoding": "gzip"}))
    assert reader(server.url).get("/user", Call("read the user")).body == {"login": "octocat"}
    assert server.requests()[0].headers["accept-encoding"] == "gzip"


def test_a_truncated_gzip_body_is_refused(server: HostileServer) -> None:
    server.route(
        "/user", raw_answer(200, gzip.compress(b'{"login": "octocat"}')[:-12], JSON, {"Content-Encoding": "gzip"})
    )
    with pytest.raises(UnexpectedResponseError, match="cut short"):
        reader(server.url).get("/user", Call("read the user"))


@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "chunked"])
def test_a_280_megabyte_body_is_refused_within_bounded_memory(server: HostileServer, declare_length: bool) -> None:
    server.route("/user", endless_body(280 * MiB, declare_length=declare_length))
    github = reader(server.url)
    started = time.monotonic()
    error, peak = failure_and_peak_memory(lambda: github.get("/user", Call("read the user")))
    assert isinstance(error, UnexpectedResponseError)
    expected = "the body is 280 MiB, more than the 32 MiB accepted" if declare_length else "more than the 32 MiB"
    assert expected in str(error)
    assert peak < PEAK_MEMORY_LIMIT / 3, f"peak {peak / MiB:.0f} MiB"
    assert time.monotonic() - started < 10


# -- bodies that are not what GitHub sends ----------------------------------------------------


def test_malformed_json_is_a_typed_error_naming_the_endpoint(server: HostileServer) -> None:
    server.route("/repos/o/r", raw_answer(200, b'{"name": "r", "private": tru', JSON))
    with pytest.raises(
        UnexpectedResponseError, match=r"o/r read: unexpected answer from GET /repos/o/r: malformed JSON"
    ):
        reader(server.url).get("/repos/o/r", Call("read", "o/r"))


def test_json_nested_beyond_reason_is_a_typed_error(server: HostileServer) -> None:
    server.route("/repos/o/r", raw_answer(200, b"[" * 200_000 + b"]" * 200_000, JSON))
    with pytest.raises(UnexpectedResponseError, match="nested too deeply"):
        reader(server.url).get("/repos/o/r", Call("read", "o/r"))


def test_html_where_json_is_due_is_a_typed_error(server: HostileServer) -> None:
    server.route("/repos/o/r", raw_answer(200, b"<html>Sign in to the Wi-Fi</html>", "text/html; charset=utf-8"))
    with pytest.raises(UnexpectedResponseError, match="text/html instead of JSON"):
        reader(server.url).get("/repos/o/r", Call("read", "o/r"))


def test_an_encoding_nobody_asked_for_is_refused(server: HostileServer) -> None:
    server.route("/repos/o/r", raw_answer(200, b"\x00\x01", JSON, {"Content-Encoding": "br"}))
    with pytest.raises(UnexpectedResponseError, match="encoded as 'br'"):
        reader(server.url).get("/repos/o/r", Call("read", "o/r"))


def test_wrong_shapes_for_a_listing_are_typed_errors(server: HostileServer) -> None:
    server.route("/repos/o/r/labels", answer(200, {"message": "a page, not a list"}))
    server.route("/repos/o/r/actions/workflows", answer(200, {"total_count": 1, "workflow": []}))
    github = reader(server.url)
    with pytest.raises(UnexpectedResponseError, match="an object where a list was due"):
        github.get_all("/repos/o/r/labels", CALL)
    with pytest.raises(UnexpectedResponseError, match="without a `workflows` list"):
        github.get_all("/repos/o/r/actions/workflows", Call("list workflows", "o/r"), list_key="workflows")


def test_a_304_nobody_asked_for_is_a_typed_error(server: HostileServer) -> None:
    server.route("/repos/o/r", answer(304))
    with pytest.raises(UnexpectedResponseError, match="HTTP 304"):
        reader(server.url).get("/repos/o/r", Call("read", "o/r"))


def test_raw_file_bodies_come_back_as_bytes_and_json_instead_is_refused(server: HostileServer) -> None:
    data = b"\x00binary\xff workflow bytes"
    server.route("/repos/o/r/contents/a.bin", raw_answer(200, data, "application/vnd.github.raw; charset=utf-8"))
    server.route("/repos/o/r/contents/dir", answer(200, [{"name": "a.bin", "type": "file"}]))
    github = reader(server.url)
    assert github.get_raw("/repos/o/r/contents/a.bin", Call("read file", "o/r"), query={"ref": "main"}) == data
    assert server.requests()[0].headers["accept"] == "application/vnd.github.raw"
    assert server.requests()[0].query == {"ref": ["main"]}
    with pytest.raises(UnexpectedResponseError, match="instead of the file's bytes"):
        github.get_raw("/repos/o/r/contents/dir", Call("read file", "o/r"))


# -- redirects --------------------------------------------------------------------------------


def test_a_redirect_to_another_host_is_an_error_and_the_token_never_goes_there(
    server: HostileServer, elsewhere: HostileServer
) -> None:
    server.route("/repos/o/r", redirect(301, f"http://localhost:{elsewhere.port}/repos/o/r"))
    server.route("/repos/o/s", redirect(307, f"{elsewhere.url}/repos/o/s"))
    github = reader(server.url)
    with pytest.raises(
        UnexpectedResponseError, match=rf"redirects to http://localhost:{elsewhere.port}, another server"
    ):
        github.get("/repos/o/r", Call("read", "o/r"))
    with pytest.raises(UnexpectedResponseError, match="another server"):
        github.get("/repos/o/s", Call("read", "o/s"))
    assert elsewhere.requests() == []


def test_a_redirect_on_the_same_server_is_followed_with_the_token(server: HostileServer) -> None:
    # GitHub answers a renamed repository's old name with a 301 to its new place.
    server.route("/repos/o/old", redirect(301, f"{server.url}/repositories/42"))
    server.route("/repositories/42", answer(200, {"full_name": "o/new"}))
    assert reader(server.url).get("/repos/o/old", Call("read", "o/old")).body == {"full_name": "o/new"}
    followed = server.requests()[-1]
    assert followed.path == "/repositories/42"
    assert followed.headers["authorization"] == f"Bearer {TOKEN}"


def test_endless_redirects_on_the_same_server_are_cut(server: HostileServer) -> None:
    server.route("/a", redirect(302, "/b"))
    server.route("/b", redirect(302, "/a"))
    with pytest.raises(UnexpectedResponseError, match="redirects more than 5 times"):
        reader(server.url).get("/a", Call("read"))
    assert len(server.requests()) == 6


# -- errors that echo secrets, and servers that are not there ---------------------------------


@pytest.mark.parametrize(
    ("status", "error"),
    [(401, AuthenticationError), (403, PermissionDeniedError), (422, ValidationFailedError)],
)
def test_a_server_that_echoes_the_token_never_gets_it_into_the_error(
    server: HostileServer, status: int, error: type[Exception]
) -> None:
    def echo(exchange: Exchange) -> None:
        header = exchange.headers.get("Authorization", "")
        body = {"message": f"Refused: {header}", "errors": [{"code": "invalid", "message": f"token {header} is bad"}]}
        exchange.reply(status, body)

    server.route("/repos/o/r", echo)
    with pytest.raises(error) as caught:
        reader(server.url).get("/repos/o/r", Call("read", "o/r"))
    assert TOKEN not in str(caught.value)
    assert "Refused: Bearer ***" in str(caught.value)


def test_a_server_that_is_not_there_is_named_with_the_cause(server: HostileServer) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(TransportError, match=rf"cannot reach 127\.0\.0\.1:{port}: connection refused") as caught:
        reader(f"http://127.0.0.1:{port}", retry=RetryPolicy(attempts=2)).get("/user", Call("read the user"))
    assert "ConnectionError" not in str(caught.value)


def test_a_request_that_never_left_is_retried_even_when_it_must_not_be_repeated() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    clock = FakeClock()
    github = writer(f"http://127.0.0.1:{port}", clock, retry=RetryPolicy(attempts=3, backoff_base=1.0))
    with pytest.raises(TransportError, match="connection refused"):
        github.send("POST", "/repos/o/r/issues", Call("open issue", "o/r"), body={"title": "t"}, idempotent=False)
    # Connection refused: nothing reached the server, so a retry cannot open a second issue.
    assert clock.sleeps == [1.0, 2.0]
