"""Keeping the on-disk response cache small: what it holds, and evicting what it no longer needs.

The cache only ever grows by itself: every list page and file body a plan reads is kept, per
token, for GitHub to answer 304 next time. Without a bound, a fleet planned hourly for a year,
or a token that changes every run (a GitHub App), would fill the disk with answers nobody will
revalidate. So the cache is held to a size and an age: entries not used for `max_age` seconds
go (an entry's modification time is when it was last written or served), then the least
recently used ones until the cache is at most `max_bytes` again (with a tenth to spare, so a
cache at its bound is not pruned on every run).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MIB = 1024 * 1024
DAY = 86400.0
# Left over by a write that crashed between writing its temporary file and renaming it.
_TEMPORARY_AGE = 3600.0


@dataclass(frozen=True)
class CacheLimits:
    max_bytes: int = 256 * MIB
    max_age: float = 30 * DAY

    def __post_init__(self) -> None:
        if self.max_bytes <= 0 or self.max_age <= 0:
            raise ValueError("a cache bound must be positive")


@dataclass(frozen=True)
class CacheStats:
    directory: Path
    entries: int = 0
    size: int = 0  # bytes
    oldest: float | None = None  # epoch seconds: the least recently used entry
    newest: float | None = None


@dataclass(frozen=True)
class _Entry:
    path: Path
    size: int
    used: float  # mtime


def _entries(directory: Path) -> Iterator[_Entry]:
    """The cache's own files (two hex digits, then a digest): never anything else there."""
    try:
        shards = [d for d in directory.iterdir() if len(d.name) == 2 and d.is_dir()]
    except OSError:
        return
    for shard in shards:
        try:
            names = list(shard.iterdir())
        except OSError:
            continue
        for path in names:
            if path.suffix not in (".json", ".tmp"):
                continue
            try:
                found = path.stat()
            except OSError:
                continue  # another process pruned it meanwhile
            yield _Entry(path, found.st_size, found.st_mtime)


def stats(directory: Path) -> CacheStats:
    entries = [e for e in _entries(directory) if e.path.suffix == ".json"]
    if not entries:
        return CacheStats(directory)
    used = [e.used for e in entries]
    return CacheStats(directory, len(entries), sum(e.size for e in entries), min(used), max(used))


def prune(directory: Path, limits: CacheLimits, now: float | None = None) -> int:
    """Evict what is too old, then the least recently used beyond the size bound; returns the
    number of entries removed."""
    now = time.time() if now is None else now
    keep: list[_Entry] = []
    removed = 0
    for entry in _entries(directory):
        stale = now - entry.used > (_TEMPORARY_AGE if entry.path.suffix == ".tmp" else limits.max_age)
        if stale:
            removed += _remove(entry.path)
        elif entry.path.suffix == ".json":
            keep.append(entry)
    total = sum(e.size for e in keep)
    if total > limits.max_bytes:
        target = limits.max_bytes * 0.9
        for entry in sorted(keep, key=lambda e: e.used):
            if total <= target:
                break
            removed += _remove(entry.path)
            total -= entry.size
    return removed


def clear(directory: Path) -> CacheStats:
    """Remove every entry; returns what there was."""
    before = stats(directory)
    for entry in _entries(directory):
        _remove(entry.path)
    for shard in directory.glob("??"):
        # Not empty (another process wrote meanwhile) or not ours: left as it is.
        with contextlib.suppress(OSError):
            shard.rmdir()
    return before


def touch(path: Path) -> None:
    """Mark an entry as used now, so the least recently used go first."""
    with contextlib.suppress(OSError):
        os.utime(path)


def _remove(path: Path) -> int:
    try:
        path.unlink()
    except OSError:
        return 0  # gone already (another process pruned it), or not ours to remove
    return 1
