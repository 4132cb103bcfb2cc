"""Conditional GETs: remember each answer with its ETag and ask GitHub whether it changed.

GitHub answers `If-None-Match` with 304 when nothing changed, and a 304 costs no primary
budget: a fleet plan repeated every hour then costs almost nothing. Every read still goes to
GitHub; a remembered answer is only served on GitHub's own word that it is current.

Answers are kept per credential (a hash of the Authorization header, never the header): GitHub's
answers, and its ETags, vary by who asks. The body is kept as the bytes GitHub sent and decoded
afresh for each caller, so no caller can change what the next one is served. They hold what
reads return (label, variable and workflow details, secret names, file bodies), never a secret
value, because GitHub never returns one.

On disk the cache lives where the platform keeps caches (platformdirs: `~/.cache` or
`$XDG_CACHE_HOME` on Linux, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows) and is
held to a size and an age (cache_housekeeping.py); `reconciler cache info` and `cache clear`
show and empty it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import platformdirs

from reconciler.files import write_atomically
from reconciler.github.http.cache_housekeeping import CacheLimits, prune, touch

# What a 304 is served with besides the body: the next page, and how to decode it.
KEPT_HEADERS = ("content-type", "link")


@dataclass(frozen=True)
class CachedResponse:
    etag: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)  # KEPT_HEADERS only


class ResponseCache(Protocol):
    def get(self, key: str) -> CachedResponse | None: ...

    def put(self, key: str, response: CachedResponse) -> None: ...


def cache_key(base_url: str, authorization: str | None, accept: str, url: str) -> str:
    """Who asks (hashed), in which representation, for which URL (with its query)."""
    who = hashlib.sha256(f"{base_url.rstrip('/')}\0{authorization or ''}".encode()).hexdigest()[:24]
    return f"{who} {accept} {url}"


class MemoryResponseCache:
    def __init__(self) -> None:
        self._entries: dict[str, CachedResponse] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedResponse | None:
        with self._lock:
            return self._entries.get(key)

    def put(self, key: str, response: CachedResponse) -> None:
        with self._lock:
            self._entries[key] = response


class DiskResponseCache:
    """One small JSON file per answer, under a directory only the user can read, held to
    `limits`: `prune()` evicts (the command line calls it as each run ends), and so does a put
    each time a tenth of the size bound was written since, so even one vast run never takes the
    cache more than a tenth past its bound."""

    def __init__(self, directory: Path, limits: CacheLimits | None = None) -> None:
        self.directory = directory
        self.limits = limits or CacheLimits()
        self._written = 0
        self._lock = threading.Lock()

    def prune(self) -> int:
        """Evict what is past the bounds; the number of entries removed."""
        with self._lock:
            self._written = 0
        return prune(self.directory, self.limits)

    def _path(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode()).hexdigest()
        return self.directory / digest[:2] / f"{digest}.json"

    def get(self, key: str) -> CachedResponse | None:
        path = self._path(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("key") != key:
                return None
            etag, headers, body = data.get("etag"), data.get("headers"), data.get("body")
            if not isinstance(etag, str) or not isinstance(headers, dict) or not isinstance(body, str):
                return None
            found = CachedResponse(
                etag, base64.b64decode(body, validate=True), {str(k): str(v) for k, v in headers.items()}
            )
        except (OSError, ValueError, binascii.Error):
            # A damaged entry costs one full read, never a wrong answer.
            return None
        # Still wanted: the least recently used entries are evicted first.
        touch(path)
        return found

    def put(self, key: str, response: CachedResponse) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(self.directory, 0o700)
            document = {
                "key": key,
                "etag": response.etag,
                "headers": dict(response.headers),
                "body": base64.b64encode(response.body).decode("ascii"),
            }
            text = json.dumps(document, separators=(",", ":"))
            write_atomically(path, text)
        except OSError:
            # A cache that cannot be written only costs rate-limit budget, never correctness.
            return
        with self._lock:
            self._written += len(text)
            due = self._written > self.limits.max_bytes / 10
        if due:
            # A scan costs milliseconds; done this seldom, a vast fleet's run stays bounded too.
            self.prune()


CACHE_VARIABLE = "RECONCILER_HTTP_CACHE"


def default_cache_directory(environ: Mapping[str, str] = os.environ) -> Path | None:
    """$RECONCILER_HTTP_CACHE (a directory, or 'off'), else the platform's cache directory for
    reconciler (platformdirs; on Linux `$XDG_CACHE_HOME/reconciler`, else `~/.cache/reconciler`)."""
    chosen = environ.get(CACHE_VARIABLE, "").strip()
    if chosen.lower() in ("off", "0", "false", "no"):
        return None
    if chosen:
        return Path(chosen)
    # platformdirs follows each platform's rules (XDG_CACHE_HOME on Linux, ~/Library/Caches on
    # macOS) where a hand-made path would follow only Linux's. Not the PyGithub adapter's old
    # `http` directory: its entries had another shape.
    return Path(platformdirs.user_cache_dir("reconciler", appauthor=False)) / "http-v2"
