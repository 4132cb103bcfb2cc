"""`reconciler cache info` and `reconciler cache clear`: the HTTP response cache on disk.

Only runs against GitHub (a token and a URL) use it: the sandbox is local and cheap to ask.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from datetime import UTC, datetime

from rich.console import Console

from reconciler.commands.support.exit_codes import EXIT_OK
from reconciler.github.http.cache import CACHE_VARIABLE, default_cache_directory
from reconciler.github.http.cache_housekeeping import DAY, CacheLimits, CacheStats, clear, stats


def size(n: int) -> str:
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= scale:
            value = n / scale
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} bytes"


def _when(epoch: float, now: float) -> str:
    stamp = datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M UTC")
    days = max(0.0, now - epoch) / DAY
    ago = "today" if days < 1 else f"{days:.0f} day{'' if round(days) == 1 else 's'} ago"
    return f"{stamp} ({ago})"


def _off(out: Console, environ: Mapping[str, str]) -> int:
    out.print(f"The HTTP response cache is off ({CACHE_VARIABLE}={environ.get(CACHE_VARIABLE, '').strip()}).")
    return EXIT_OK


def describe(found: CacheStats, limits: CacheLimits, now: float) -> list[str]:
    entries = f"{found.entries:,} entr{'y' if found.entries == 1 else 'ies'}"
    lines = [
        f"HTTP response cache: {found.directory}",
        f"  {entries}, {size(found.size)} (at most {size(limits.max_bytes)}; entries unused for "
        f"{limits.max_age / DAY:.0f} days are evicted)",
    ]
    if found.oldest is not None:
        lines.append(f"  least recently used: {_when(found.oldest, now)}")
    if found.newest is not None:
        lines.append(f"  most recently used:  {_when(found.newest, now)}")
    return lines


def run_cache_info(out: Console, environ: Mapping[str, str] = os.environ) -> int:
    directory = default_cache_directory(environ)
    if directory is None:
        return _off(out, environ)
    for line in describe(stats(directory), CacheLimits(), time.time()):
        out.print(line, soft_wrap=True, highlight=False)
    return EXIT_OK


def run_cache_clear(out: Console, environ: Mapping[str, str] = os.environ) -> int:
    directory = default_cache_directory(environ)
    if directory is None:
        return _off(out, environ)
    removed = clear(directory)
    entries = f"{removed.entries:,} entr{'y' if removed.entries == 1 else 'ies'}"
    out.print(f"Removed {entries} ({size(removed.size)}) from {directory}.", soft_wrap=True, highlight=False)
    return EXIT_OK
