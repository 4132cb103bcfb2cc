"""Bytes to and from GitHub: one urllib3 connection pool, shared by every thread.

urllib3 directly rather than requests: requests resolves proxies and merges settings again
for every request and wraps each answer in layers this client does not use; a client that
talks to one server can decide all of that once (see benchmarks/http_client.py for the CPU
it saves). The pool is thread-safe; proxies are resolved once, at start.

`send` follows redirects itself, and only to the same scheme, host and port: a redirect
elsewhere is refused before anything (least of all the Authorization header) goes there.
Each request has a deadline for connecting, the headers and the body together (socket timeouts
cut to what is left of it, and a watchdog for what they cannot bound, see watchdog.py); the body
is read within size bounds (see body.py). Failures come out as `NetworkFailure` (the server could
not be reached or stopped answering; worth retrying) or `BadAnswer` (it answered with
something no GitHub sends), each with a message that names the host and the cause.
"""

from __future__ import annotations

import contextlib
import errno
import os
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

import urllib3
from urllib3 import BaseHTTPResponse
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    MaxRetryError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ProxyError,
    ReadTimeoutError,
    SSLError,
)

from reconciler.github.http.base_url import host_label, origin, origin_of
from reconciler.github.http.body import BadBody, Bounds, DeadlinePassed, read_body
from reconciler.github.http.proxies import describe_proxy, proxy_for
from reconciler.github.http.watchdog import WATCHDOG, WATCHED_POOLS, Guard
from reconciler.redaction import register

REDIRECTS = (301, 302, 307, 308)
# A redirect's own body is read (so the connection can be reused) only when this small.
SMALL_BODY = 64 * 1024


@dataclass(frozen=True)
class Timeouts:
    connect: float = 10.0
    read: float = 30.0  # between two bytes of the answer
    deadline: float = 120.0  # the whole request: connect, headers and body


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    url: str  # after redirects


class NetworkFailure(Exception):
    """No complete answer: the message names the host and the cause. `sent` is False when
    the request certainly never reached the server (no connection), so even a request that
    must not be repeated can be."""

    def __init__(self, message: str, *, sent: bool) -> None:
        super().__init__(message)
        self.sent = sent


class BadAnswer(Exception):
    """An answer no GitHub gives (too big, badly encoded, a redirect elsewhere...)."""


class Transport:
    def __init__(
        self,
        base_url: str,
        *,
        timeouts: Timeouts | None = None,
        bounds: Bounds | None = None,
        pool_size: int = 16,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        self.timeouts = timeouts or Timeouts()
        self.bounds = bounds or Bounds()
        self.origin = origin(base_url)
        self.host = host_label(base_url)
        self.proxy = proxy_for(base_url, env)
        options: dict[str, object] = {
            "num_pools": 4,
            "maxsize": pool_size,
            "block": False,
            "retries": False,
            "ca_certs": _ca_bundle(env),
        }
        if self.proxy is None:
            self._pool: urllib3.PoolManager = urllib3.PoolManager(**options)  # type: ignore[arg-type]
        else:
            proxy_headers = _proxy_auth(self.proxy)
            self._pool = urllib3.ProxyManager(_without_userinfo(self.proxy), proxy_headers=proxy_headers, **options)  # type: ignore[arg-type]
        # Connections that register their sockets with the deadline watchdog.
        self._pool.pool_classes_by_scheme = WATCHED_POOLS

    def close(self) -> None:
        self._pool.clear()

    def send(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None) -> RawResponse:
        deadline = time.monotonic() + self.timeouts.deadline
        with WATCHDOG.guard(deadline) as guard:
            for _ in range(self.bounds.max_redirects + 1):
                response = self._open(method, url, headers, body, guard)
                location = response.headers.get("location")
                if response.status in REDIRECTS and location:
                    target = urljoin(url, location)
                    if origin(target) != self.origin:
                        _drop(response)
                        raise BadAnswer(
                            f"it redirects to {origin_of(urlsplit(target))}, another server: not followed, "
                            "so the token is not sent there"
                        )
                    _discard(response, deadline, self.timeouts.read)
                    url = target
                    continue
                return RawResponse(response.status, _lower(response), self._read(response, guard), url)
        raise BadAnswer(f"it redirects more than {self.bounds.max_redirects} times")

    def _open(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None, guard: Guard
    ) -> BaseHTTPResponse:
        left = guard.deadline - time.monotonic()
        if left <= 0:
            raise NetworkFailure(self._deadline_message(), sent=False)
        timeout = urllib3.Timeout(connect=min(self.timeouts.connect, left), read=min(self.timeouts.read, left))
        try:
            return self._pool.urlopen(
                method,
                url,
                body=body,
                headers=dict(headers),
                redirect=False,
                timeout=timeout,
                preload_content=False,
                decode_content=False,
            )
        except (HTTPError, OSError) as exc:
            sent = not isinstance(exc, NewConnectionError | ConnectTimeoutError | ProxyError | SSLError)
            if guard.fired or time.monotonic() >= guard.deadline:
                raise NetworkFailure(self._deadline_message(), sent=sent) from None
            raise NetworkFailure(self._describe(exc), sent=sent) from None

    def _read(self, response: BaseHTTPResponse, guard: Guard) -> bytes:
        try:
            data = read_body(response, deadline=guard.deadline, read_timeout=self.timeouts.read, bounds=self.bounds)
        except BadBody as exc:
            _drop(response)
            raise BadAnswer(str(exc)) from None
        except DeadlinePassed:
            _drop(response)
            raise NetworkFailure(self._deadline_message(), sent=True) from None
        except (HTTPError, OSError) as exc:
            _drop(response)
            if guard.fired or time.monotonic() >= guard.deadline:
                raise NetworkFailure(self._deadline_message(), sent=True) from None
            raise NetworkFailure(self._describe(exc), sent=True) from None
        # Disarmed before the connection goes back to the pool, so the watchdog cannot close
        # it under the next request.
        guard.disarm()
        response.release_conn()
        return data

    def _deadline_message(self) -> str:
        return f"{self.host} did not answer completely within {self.timeouts.deadline:g}s"

    def _describe(self, exc: BaseException) -> str:
        if isinstance(exc, MaxRetryError) and exc.reason is not None:
            exc = exc.reason
        host = self.host
        if isinstance(exc, ProxyError):
            proxy = describe_proxy(self.proxy or "")
            return f"cannot reach {host} through the proxy {proxy}: {_cause(exc)}"
        if isinstance(exc, NameResolutionError):
            return f"cannot reach {host}: its name does not resolve"
        # Before ConnectTimeoutError: urllib3 derives NewConnectionError from it.
        if isinstance(exc, NewConnectionError):
            return f"cannot reach {host}: {_cause(exc)}"
        if isinstance(exc, ConnectTimeoutError):
            return f"cannot reach {host}: no connection within {self.timeouts.connect:g}s"
        if isinstance(exc, SSLError):
            return f"cannot talk securely to {host}: {_cause(exc)}"
        if isinstance(exc, ReadTimeoutError):
            return f"{host} did not answer within {self.timeouts.read:g}s"
        if isinstance(exc, ProtocolError):
            return f"{host} closed the connection before answering completely ({_cause(exc)})"
        return f"cannot reach {host}: {_cause(exc)}"


_ERRNO_TEXT = {
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "connection reset",
    errno.ECONNABORTED: "connection aborted",
    errno.ENETUNREACH: "network unreachable",
    errno.EHOSTUNREACH: "host unreachable",
    errno.ETIMEDOUT: "connection timed out",
    errno.EPIPE: "connection closed",
}


def _cause(exc: BaseException) -> str:
    """The innermost cause in words: "connection refused", "certificate verify failed"..."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return f"certificate verify failed ({current.verify_message})"
        if isinstance(current, OSError) and current.errno in _ERRNO_TEXT:
            return _ERRNO_TEXT[current.errno]
        nested = [a for a in getattr(current, "args", ()) if isinstance(a, BaseException)]
        current = current.__cause__ or current.__context__ or (nested[0] if nested else None)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return type(exc).__name__


def _lower(response: BaseHTTPResponse) -> dict[str, str]:
    return {name.lower(): value for name, value in response.headers.items()}


def _drop(response: BaseHTTPResponse) -> None:
    """Close the connection: what is left of this answer must not reach the next request."""
    with contextlib.suppress(Exception):
        response.close()
    with contextlib.suppress(Exception):
        response.release_conn()


def _discard(response: BaseHTTPResponse, deadline: float, read_timeout: float) -> None:
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) <= SMALL_BODY:
        with contextlib.suppress(BadBody, DeadlinePassed, HTTPError, OSError):
            read_body(response, deadline=deadline, read_timeout=read_timeout, bounds=Bounds(SMALL_BODY, SMALL_BODY))
            response.release_conn()
            return
    _drop(response)


def _ca_bundle(environ: Mapping[str, str]) -> str | None:
    """The CA certificates to trust: the one the environment names (as requests reads it, for
    a company CA in front of GitHub Enterprise Server), else certifi's, else the system's."""
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
        value = environ.get(name, "").strip()
        if value:
            return value
    try:
        import certifi
    except ImportError:
        return None
    return str(certifi.where())


def _without_userinfo(proxy: str) -> str:
    parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    netloc = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=netloc).geturl()


def _proxy_auth(proxy: str) -> dict[str, str] | None:
    parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    if parts.username is None:
        return None
    user, password = unquote(parts.username), unquote(parts.password or "")
    register(password)
    return urllib3.make_headers(proxy_basic_auth=f"{user}:{password}")
