"""Conditional GET: remember each list page with its ETag, and ask GitHub whether it changed.

GitHub answers `If-None-Match` with 304 when nothing changed, and a 304 does not count
against the rate limit. A fleet-wide plan reads five lists per repository; repeated (a drift
check every hour, a plan on every push) it then costs almost no budget. Every read still
goes to GitHub: a cached page is only ever used on GitHub's own word that it is current.

Pages are kept per token (a hash of it, never the token): GitHub's answers vary by who asks.
They hold what list endpoints return (label, variable and workflow details, secret names),
never a secret value, because GitHub never returns one.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from reconciler.files import write_atomically


@dataclass(frozen=True)
class CachedPage:
    etag: str
    body: Any
    next_url: str | None


class ResponseCache(Protocol):
    def get(self, key: str) -> CachedPage | None: ...

    def put(self, key: str, page: CachedPage) -> None: ...


def namespace(base_url: str, token: str) -> str:
    """Who is asking, as a hash: the token itself is never written anywhere."""
    return hashlib.sha256(f"{base_url.rstrip('/')}\0{token}".encode()).hexdigest()[:24]


class MemoryResponseCache:
    def __init__(self) -> None:
        self._pages: dict[str, CachedPage] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedPage | None:
        with self._lock:
            return self._pages.get(key)

    def put(self, key: str, page: CachedPage) -> None:
        with self._lock:
            self._pages[key] = page


class DiskResponseCache:
    """One small JSON file per page, under a directory only the user can read."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode()).hexdigest()
        return self.directory / digest[:2] / f"{digest}.json"

    def get(self, key: str) -> CachedPage | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("key") != key or not isinstance(data.get("etag"), str):
            return None
        return CachedPage(data["etag"], data.get("body"), data.get("next_url"))

    def put(self, key: str, page: CachedPage) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(self.directory, 0o700)
            document = {"key": key, "etag": page.etag, "next_url": page.next_url, "body": page.body}
            write_atomically(path, json.dumps(document, separators=(",", ":")))
        except OSError:
            # A cache that cannot be written only costs rate-limit budget, never correctness.
            return


def default_cache_directory(environ: Mapping[str, str] = os.environ) -> Path | None:
    """$RECONCILER_HTTP_CACHE (a directory, or 'off'), else the user's cache directory."""
    chosen = environ.get("RECONCILER_HTTP_CACHE", "").strip()
    if chosen.lower() in ("off", "0", "false", "no"):
        return None
    if chosen:
        return Path(chosen)
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reconciler" / "http"
