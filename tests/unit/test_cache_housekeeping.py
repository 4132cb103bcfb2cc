"""The HTTP cache on disk stays bounded: old entries go, then the least recently used."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from reconciler.github.http import CachedResponse, DiskResponseCache, default_cache_directory
from reconciler.github.http.cache_housekeeping import DAY, CacheLimits, clear, prune, stats

KIB = 1024


def fill(cache: DiskResponseCache, keys: range, body: bytes = b"x" * KIB) -> None:
    for n in keys:
        cache.put(f"key-{n}", CachedResponse(f'"etag-{n}"', body))


def age(cache: DiskResponseCache, key: str, seconds: float) -> None:
    path = cache._path(key)
    when = time.time() - seconds
    os.utime(path, (when, when))


def test_stats_count_entries_size_and_the_least_recently_used(tmp_path: Path) -> None:
    cache = DiskResponseCache(tmp_path / "c")
    assert stats(tmp_path / "c").entries == 0, "a cache never written is empty, not an error"
    fill(cache, range(3))
    age(cache, "key-1", 5 * DAY)
    found = stats(tmp_path / "c")
    assert found.entries == 3
    assert found.size == sum(p.stat().st_size for p in (tmp_path / "c").rglob("*.json"))
    assert found.oldest is not None and time.time() - found.oldest == pytest.approx(5 * DAY, abs=60)


def test_entries_unused_for_the_maximum_age_are_evicted(tmp_path: Path) -> None:
    cache = DiskResponseCache(tmp_path / "c", CacheLimits(max_age=30 * DAY))
    fill(cache, range(4))
    age(cache, "key-0", 31 * DAY)
    age(cache, "key-1", 29 * DAY)
    assert cache.prune() == 1
    assert cache.get("key-0") is None
    assert cache.get("key-1") is not None and cache.get("key-3") is not None


def test_a_served_entry_counts_as_used_so_the_least_recently_used_go_first(tmp_path: Path) -> None:
    directory = tmp_path / "c"
    cache = DiskResponseCache(directory)
    fill(cache, range(10))
    for n in range(10):
        age(cache, f"key-{n}", (10 - n) * 60)  # key-0 the oldest
    assert cache.get("key-0") is not None  # served: now the most recent
    entry = stats(directory).size // 10
    removed = prune(directory, CacheLimits(max_bytes=entry * 6))
    # Down to 90% of the bound (5 entries of 6), the least recently used first.
    assert removed == 5
    left = {n for n in range(10) if cache._path(f"key-{n}").exists()}
    assert left == {0, 6, 7, 8, 9}


def test_a_run_that_writes_more_than_the_bound_evicts_at_once(tmp_path: Path) -> None:
    cache = DiskResponseCache(tmp_path / "c", CacheLimits(max_bytes=20 * KIB))
    fill(cache, range(40))
    found = stats(tmp_path / "c")
    # Pruned whenever a tenth of the bound was written: never more than that past it.
    assert found.size <= 22 * KIB
    assert found.entries < 40


def test_leftover_temporary_files_go_and_nothing_else_in_the_directory_is_touched(tmp_path: Path) -> None:
    directory = tmp_path / "c"
    cache = DiskResponseCache(directory)
    fill(cache, range(2))
    shard = next(p for p in directory.iterdir() if p.is_dir())
    leftover = shard / ".abc.json.x1.tmp"
    leftover.write_text("half")
    os.utime(leftover, (time.time() - 2 * 3600,) * 2)
    mine = directory / "README.txt"
    mine.write_text("not the cache's")
    prune(directory, CacheLimits())
    assert not leftover.exists() and mine.exists()
    before = clear(directory)
    assert before.entries == 2 and stats(directory).entries == 0
    assert mine.exists(), "clear removes the cache's entries, nothing else"


def test_the_default_directory_is_the_platforms_cache_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("RECONCILER_HTTP_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    import platformdirs

    assert default_cache_directory() == Path(platformdirs.user_cache_dir("reconciler", appauthor=False)) / "http-v2"
    if os.uname().sysname == "Linux":
        assert default_cache_directory() == tmp_path / "xdg" / "reconciler" / "http-v2"
    assert default_cache_directory({"RECONCILER_HTTP_CACHE": "off"}) is None
    assert default_cache_directory({"RECONCILER_HTTP_CACHE": str(tmp_path / "mine")}) == tmp_path / "mine"
