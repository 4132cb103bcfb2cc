"""State persistence, reset, request statistics, observers and the admin endpoints."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from reconciler.sandbox import Exchange, Sandbox
from reconciler.sandbox.persistence import StateFileError
from tests.sandbox.state_files import saved_bytes, saved_state

KERNEL = "Sovereign-Operating-System/sovereign-kernel"
RUNTIME = "Sovereign-Operating-System/agent-runtime"
AUTH = {"Authorization": "token test-token"}


def labels_url(sandbox: Sandbox, slug: str = KERNEL) -> str:
    return f"{sandbox.url}/repos/{slug}/labels"


def label_names(saved: dict[str, Any], repo_name: str) -> set[str]:
    repo = next(repo for repo in saved["repos"] if repo["name"] == repo_name)
    return {label["name"] for label in repo["labels"]}


# -- persistence ----------------------------------------------------------------------------------


def test_writes_survive_a_restart_on_the_same_state_file(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    with Sandbox(state_file) as first:
        created = requests.post(labels_url(first), headers=AUTH, json={"name": "kept", "color": "123456"}).json()
        requests.patch(f"{first.url}/repos/{KERNEL}/issues/1", headers=AUTH, json={"state": "closed"})
        # Persisted after each write, not only on stop.
        assert "kept" in label_names(saved_state(state_file), "sovereign-kernel")

    with Sandbox(state_file) as second:
        label = requests.get(f"{labels_url(second)}/kept", headers=AUTH)
        issue = requests.get(f"{second.url}/repos/{KERNEL}/issues/1", headers=AUTH).json()
        fresh = requests.post(labels_url(second), headers=AUTH, json={"name": "later", "color": "123456"}).json()

    assert label.json()["id"] == created["id"]
    assert label.json()["url"].startswith(second.url)  # URLs are never stored
    assert issue["state"] == "closed"
    assert fresh["id"] > created["id"]  # id counters persist too


def test_a_new_state_file_is_seeded_and_written(tmp_path: Path) -> None:
    state_file = tmp_path / "nested" / "state.json"

    Sandbox(state_file)

    data = saved_state(state_file)
    assert {repo["name"] for repo in data["repos"]} >= {"sovereign-kernel", "agent-runtime"}
    assert b"http" not in saved_bytes(state_file).replace(b"https://example.org", b"")
    assert not list(state_file.parent.glob("*.tmp"))


def test_a_corrupt_state_file_is_reported(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    state_file.write_text("{not json", encoding="utf-8")

    with pytest.raises(StateFileError, match=r"state\.json"):
        Sandbox(state_file)


def test_reset_restores_the_seed_and_clears_stats(sandbox: Sandbox, http: requests.Session) -> None:
    http.delete(f"{labels_url(sandbox)}/bug")
    assert sandbox.stats.total() == 1

    sandbox.reset()

    assert sandbox.stats.total() == 0
    assert http.get(f"{labels_url(sandbox)}/bug").status_code == 200
    sandbox.reset(seed=False)
    assert sandbox.state.repos == []
    assert http.get(labels_url(sandbox)).status_code == 404


def test_concurrent_writes_all_land_with_distinct_ids(sandbox: Sandbox, state_file: Path) -> None:
    def create(index: int) -> int:
        with requests.Session() as session:
            response = session.post(
                labels_url(sandbox), headers=AUTH, json={"name": f"parallel-{index}", "color": "ffffff"}
            )
            assert response.status_code == 201
            return int(response.json()["id"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(create, range(40)))

    assert len(set(ids)) == 40
    assert {f"parallel-{i}" for i in range(40)} <= label_names(saved_state(state_file), "sovereign-kernel")


def test_the_budget_cannot_be_overdrawn_by_concurrent_requests(sandbox: Sandbox) -> None:
    sandbox.set_rate_limit(remaining=10)

    def fetch(_: int) -> int:
        with requests.Session() as session:
            return session.get(labels_url(sandbox), headers=AUTH).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(fetch, range(30)))

    assert statuses.count(200) == 10
    assert statuses.count(403) == 20


# -- statistics and observers ---------------------------------------------------------------------


def test_stats_count_by_route_and_by_repository(sandbox: Sandbox, http: requests.Session) -> None:
    http.get(labels_url(sandbox))
    http.get(labels_url(sandbox))
    http.get(f"{labels_url(sandbox)}/bug")
    http.get(labels_url(sandbox, RUNTIME))
    http.get(f"{sandbox.url}/user")
    requests.get(f"{sandbox.url}/_sandbox/stats")  # admin: not counted

    assert sandbox.stats.total() == 5
    assert sandbox.stats.by_route() == {
        "GET /repos/{owner}/{repo}/labels": 3,
        "GET /repos/{owner}/{repo}/labels/{name}": 1,
        "GET /user": 1,
    }
    assert sandbox.stats.by_repo() == {KERNEL: 3, RUNTIME: 1}
    assert sandbox.stats.for_repo(KERNEL.lower()) == {
        "GET /repos/{owner}/{repo}/labels": 2,
        "GET /repos/{owner}/{repo}/labels/{name}": 1,
    }
    snapshot = requests.get(f"{sandbox.url}/_sandbox/stats").json()
    assert snapshot["total"] == 5
    assert json.loads(json.dumps(sandbox.stats.snapshot())) == snapshot


def test_observers_see_each_exchange_with_the_token_redacted(sandbox: Sandbox, http: requests.Session) -> None:
    seen: list[Exchange] = []
    sandbox.add_observer(seen.append)

    http.post(labels_url(sandbox), params={"x": "1"}, json={"name": "a:b/c", "color": "ffffff"})
    requests.post(f"{sandbox.url}/_sandbox/reset")

    assert len(seen) == 1
    exchange = seen[0]
    assert (exchange.method, exchange.status) == ("POST", 201)
    assert exchange.path == f"/repos/{KERNEL}/labels"
    assert exchange.query == {"x": ["1"]}
    assert exchange.route == "/repos/{owner}/{repo}/labels"
    assert exchange.request_headers["authorization"] == "<redacted>"
    assert json.loads(exchange.request_body) == {"name": "a:b/c", "color": "ffffff"}
    assert json.loads(exchange.response_body)["name"] == "a:b/c"
    assert exchange.response_headers["location"].endswith("/labels/a%3Ab%2Fc")


# -- admin endpoints ------------------------------------------------------------------------------


def test_admin_rate_limit_state_and_reset(sandbox: Sandbox, http: requests.Session) -> None:
    limited = requests.post(f"{sandbox.url}/_sandbox/rate-limit", json={"remaining": 0})
    refused = http.get(labels_url(sandbox))
    dump = requests.get(f"{sandbox.url}/_sandbox/state").json()
    reset = requests.post(f"{sandbox.url}/_sandbox/reset", json={"seed": True})

    assert limited.status_code == 200
    assert refused.status_code == 403
    assert any(repo["name"] == "sovereign-kernel" for repo in dump["repos"])
    assert reset.status_code == 200
    assert http.get(labels_url(sandbox)).status_code == 200


def test_admin_rejects_malformed_requests(sandbox: Sandbox) -> None:
    bad_fault = requests.post(f"{sandbox.url}/_sandbox/faults", json={"method": "GET"})
    unknown = requests.get(f"{sandbox.url}/_sandbox/nothing")

    assert bad_fault.status_code == 400
    assert unknown.status_code == 404


# -- the foreground server ------------------------------------------------------------------------


def test_serve_runs_in_the_foreground_and_saves_on_interrupt(tmp_path: Path) -> None:
    state_file = tmp_path / "served.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "reconciler.sandbox", "--port", "0", "--state", str(state_file)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        match = re.match(r"GitHub sandbox listening on (http://127\.0\.0\.1:\d+) \(state: (.+)\)$", banner)
        assert match, banner
        assert match.group(2) == str(state_file)
        url = match.group(1)
        created = requests.post(
            f"{url}/repos/{KERNEL}/labels", headers=AUTH, json={"name": "served", "color": "ffffff"}
        )
        assert created.status_code == 201
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)

    assert process.returncode == 0
    assert "served" in label_names(saved_state(state_file), "sovereign-kernel")
