"""Conditional reads: a repeated plan revalidates every page and spends (almost) no budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.github.http import Call, DiskResponseCache, MemoryResponseCache, ResponseCache, StaticToken
from reconciler.github.http.client import HttpReader
from reconciler.sandbox import Sandbox
from tests.http_support import Recorder, reader

ORG = "Sovereign-Operating-System"
KERNEL = f"{ORG}/sovereign-kernel"
LABELS = f"/repos/{KERNEL}/labels"
LIST = Call("list labels", KERNEL)


def cached_reader(sandbox: Sandbox, cache: ResponseCache, token: str = "cache-token", **more: object) -> HttpReader:
    return reader(sandbox.url, cache=cache, credentials=StaticToken(token), **more)


def remaining(github: HttpReader) -> int:
    return int(github.get("/rate_limit", Call("read the rate limit")).body["resources"]["core"]["remaining"])


@pytest.mark.parametrize("kind", ["memory", "disk"])
def test_an_unchanged_list_is_answered_304_and_costs_no_budget(sandbox: Sandbox, tmp_path: Path, kind: str) -> None:
    cache: ResponseCache = MemoryResponseCache() if kind == "memory" else DiskResponseCache(tmp_path / "c")
    first = cached_reader(sandbox, cache).get_all(LABELS, LIST)
    again_reader = cached_reader(sandbox, cache)
    before = remaining(again_reader)
    again = again_reader.get_all(LABELS, LIST)
    assert again == first
    assert sandbox.stats.not_modified() == 1
    assert remaining(again_reader) == before, "a 304 spent rate-limit budget"
    # Usage counts what the sandbox answered 304 (the rate-limit read itself was unchanged too).
    assert again_reader.session.usage().not_modified == sandbox.stats.not_modified() >= 1


def test_every_page_of_a_long_list_is_revalidated_and_followed_from_the_cache(sandbox: Sandbox) -> None:
    with sandbox.state.lock:
        repo = sandbox.state.find_repo(ORG, "sovereign-kernel")
        assert repo is not None
        for n in range(150):
            sandbox.state.add_label(repo, f"extra-{n:03}", "ededed")
    cache = MemoryResponseCache()
    first = cached_reader(sandbox, cache).get_all(LABELS, LIST)
    sandbox.stats.reset()
    recorder = Recorder()
    again = cached_reader(sandbox, cache, observers=[recorder]).get_all(LABELS, LIST)
    assert again == first and len(again) > 150
    assert sandbox.stats.by_status() == {304: 2}
    assert [e.from_cache for e in recorder.requests] == [True, True]


def test_a_304_reply_carries_the_cached_body_and_callers_cannot_spoil_it(sandbox: Sandbox) -> None:
    cache = MemoryResponseCache()
    github = cached_reader(sandbox, cache)
    first = github.get(f"/repos/{KERNEL}", Call("read repository", KERNEL))
    first.body["name"] = "changed by a caller"
    again = github.get(f"/repos/{KERNEL}", Call("read repository", KERNEL))
    assert again.status == 304
    assert again.body["name"] == "sovereign-kernel"
    assert again.headers["content-type"].startswith("application/json")


def test_a_change_on_github_is_seen_at_once(sandbox: Sandbox) -> None:
    cache = MemoryResponseCache()
    cached_reader(sandbox, cache).get_all(LABELS, LIST)
    with sandbox.state.lock:
        kernel = sandbox.state.find_repo(ORG, "sovereign-kernel")
        assert kernel is not None
        sandbox.state.add_label(kernel, "brand-new", "123456")
    names = {label["name"] for label in cached_reader(sandbox, cache).get_all(LABELS, LIST)}
    assert "brand-new" in names
    assert sandbox.stats.not_modified() == 0


def test_answers_are_never_shared_between_tokens(sandbox: Sandbox, tmp_path: Path) -> None:
    cache = DiskResponseCache(tmp_path / "c")
    cached_reader(sandbox, cache, token="alice-token").get_all(LABELS, LIST)
    cached_reader(sandbox, cache, token="bob-token").get_all(LABELS, LIST)
    assert sandbox.stats.not_modified() == 0
    stored = "".join(p.read_text() for p in (tmp_path / "c").rglob("*.json"))
    assert stored and "alice-token" not in stored and "bob-token" not in stored


def test_a_damaged_cache_entry_costs_a_full_read_not_a_wrong_answer(sandbox: Sandbox, tmp_path: Path) -> None:
    cache = DiskResponseCache(tmp_path / "c")
    first = cached_reader(sandbox, cache).get_all(LABELS, LIST)
    for path in (tmp_path / "c").rglob("*.json"):
        path.write_text('{"key": "truncat')
    assert cached_reader(sandbox, cache).get_all(LABELS, LIST) == first
    assert sandbox.stats.not_modified() == 0
