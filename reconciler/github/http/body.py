"""Reading an answer's body within bounds: a deadline, a size on the wire, a size decoded.

urllib3 would happily read a 280 MB body, inflate a 2 MB gzip bomb to 2 GiB, or wait for a
body dripping one byte every few seconds for as long as each byte comes within the read
timeout. Here the body is read in chunks as they arrive; before each read the socket's timeout
is cut to what is left of the request's deadline; gzip is inflated by hand with a cap on each
step's output, so memory never holds more than the limits allow.
"""

from __future__ import annotations

import contextlib
import time
import zlib
from dataclasses import dataclass

from urllib3 import BaseHTTPResponse

CHUNK = 64 * 1024
MiB = 1024 * 1024
INFLATE_STEP = 1 * MiB


@dataclass(frozen=True)
class Bounds:
    """What this client accepts from a server, whoever it is."""

    max_response_bytes: int = 32 * MiB  # on the wire, compressed or not
    max_body_bytes: int = 64 * MiB  # once inflated
    max_redirects: int = 5
    max_pages: int = 1000  # per listing: 100,000 items at 100 a page


class BadBody(Exception):
    """The body breaks a bound or its encoding: `what` says which."""


class DeadlinePassed(Exception):
    pass


class _Inflater:
    """gzip (several members too, as RFC 1952 allows) with a cap on the output."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._out = bytearray()
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._in_member = False  # the current member has begun and not yet ended

    def feed(self, data: bytes) -> None:
        while data:
            self._in_member = True
            try:
                # A bounded step, never more than one byte past the limit, however dense the
                # input: 64 KiB of a bomb would otherwise inflate to 64 MiB in one bytes object.
                step = min(INFLATE_STEP, self._limit - len(self._out) + 1)
                chunk = self._inflater.decompress(data, step)
            except zlib.error as exc:
                raise BadBody(f"the gzip body is corrupt ({exc})") from None
            self._out += chunk
            if len(self._out) > self._limit:
                raise BadBody(f"the body inflates to more than {_size(self._limit)}")
            data = self._inflater.unconsumed_tail
            if self._inflater.eof:
                data = self._inflater.unused_data
                self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                self._in_member = False

    def finish(self) -> bytes:
        if self._in_member:
            raise BadBody("the gzip body was cut short")
        return bytes(self._out)


def read_body(response: BaseHTTPResponse, *, deadline: float, read_timeout: float, bounds: Bounds) -> bytes:
    """The whole body, inflated; BadBody or DeadlinePassed otherwise (the caller drops the
    connection: what is left of a hostile body must not reach the next request)."""
    declared = response.headers.get("content-length")
    if declared is not None and declared.strip().isdigit() and int(declared) > bounds.max_response_bytes:
        raise BadBody(f"the body is {_size(int(declared))}, more than the {_size(bounds.max_response_bytes)} accepted")
    encoding = (response.headers.get("content-encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip"):
        raise BadBody(f"the body is encoded as {encoding[:40]!r}, which was not asked for")
    inflater = _Inflater(bounds.max_body_bytes) if encoding != "identity" else None
    plain = bytearray()
    received = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise DeadlinePassed()
        _cut_timeout(response, min(read_timeout, left))
        chunk = response.read1(CHUNK, decode_content=False)
        if not chunk:
            break
        received += len(chunk)
        if received > bounds.max_response_bytes:
            raise BadBody(f"the body is more than the {_size(bounds.max_response_bytes)} accepted")
        if inflater is not None:
            inflater.feed(chunk)
        else:
            plain += chunk
            if len(plain) > bounds.max_body_bytes:
                raise BadBody(f"the body is more than the {_size(bounds.max_body_bytes)} accepted")
    return inflater.finish() if inflater is not None else bytes(plain)


def _cut_timeout(response: BaseHTTPResponse, seconds: float) -> None:
    """The next read waits at most `seconds`: a dripping body cannot outlive the deadline."""
    sock = getattr(getattr(response, "connection", None), "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.settimeout(max(0.001, seconds))


def _size(n: int) -> str:
    return f"{n / MiB:.0f} MiB" if n >= MiB else f"{n} bytes"
