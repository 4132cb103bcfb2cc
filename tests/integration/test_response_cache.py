"""Conditional reads: a repeated plan revalidates every page and spends (almost) no budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.github.http import DiskResponseCache, HttpReader, MemoryResponseCache, ResponseCache
from reconciler.kinds.labels.live import list_labels
from reconciler.sandbox import Sandbox
from tests.conftest import github_session
from tests.integration.conftest import KERNEL, ORG, run


def reader(sandbox: Sandbox, cache: ResponseCache, token: str = "t") -> HttpReader:
    return HttpReader(github_session(sandbox.url, token, cache=cache))


def remaining(sandbox: Sandbox, token: str = "t") -> int:
    import requests

    response = requests.get(f"{sandbox.url}/rate_limit", headers={"Authorization": f"token {token}"}, timeout=5)
    return int(response.json()["resources"]["core"]["remaining"])


@pytest.mark.parametrize("kind", ["memory", "disk"])
def test_an_unchanged_list_is_answered_304_and_costs_no_budget(sandbox: Sandbox, tmp_path: Path, kind: str) -> None:
    cache: ResponseCache = MemoryResponseCache() if kind == "memory" else DiskResponseCache(tmp_path / "c")
    first = list_labels(reader(sandbox, cache), KERNEL)
    before = remaining(sandbox)
    again = list_labels(reader(sandbox, cache), KERNEL)
    assert again == first
    assert sandbox.stats.not_modified() == 1
    assert remaining(sandbox) == before, "a 304 spent rate-limit budget"


def test_a_change_on_github_is_seen_at_once(sandbox: Sandbox) -> None:
    cache = MemoryResponseCache()
    list_labels(reader(sandbox, cache), KERNEL)
    with sandbox.state.lock:
        kernel = sandbox.state.find_repo(ORG, "sovereign-kernel")
        assert kernel is not None
        sandbox.state.add_label(kernel, "brand-new", "123456")
    names = {label.name for label in list_labels(reader(sandbox, cache), KERNEL)}
    assert "brand-new" in names
    assert sandbox.stats.not_modified() == 0


def test_pages_are_never_shared_between_tokens(sandbox: Sandbox, tmp_path: Path) -> None:
    cache = DiskResponseCache(tmp_path / "c")
    list_labels(reader(sandbox, cache, token="alice"), KERNEL)
    list_labels(reader(sandbox, cache, token="bob"), KERNEL)
    assert sandbox.stats.not_modified() == 0
    stored = "".join(p.read_text() for p in (tmp_path / "c").rglob("*.json"))
    assert "alice" not in stored and "bob" not in stored


def test_a_repeated_cli_plan_against_github_is_revalidated_not_refetched(
    live: Sandbox, observation: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "plan")[0] == 0
    before = remaining(live, "test-token")
    live.stats.reset()
    assert run(capsys, "plan")[0] == 0
    if observation == "rest":
        # Every list and file read again is a 304; only the handbook's missing .github/workflows
        # answers 404 again (nothing to revalidate), and a 404 costs one request of budget.
        assert live.stats.by_status() == {304: 16, 404: 1}
        assert remaining(live, "test-token") == before - 1
    else:
        # Labels and .github/workflows listings come in one GraphQL query (a POST: never
        # cached, one GraphQL point); every REST list and file read again is a 304, free.
        assert live.stats.by_status() == {304: 11, 200: 1}
        assert live.stats.graphql_queries() == 1
        assert remaining(live, "test-token") == before
