"""Bulk fleet seeding: many ready-made repositories at once, for fleet benchmarks."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from reconciler.sandbox import Sandbox
from reconciler.sandbox.fleet import FleetSpec
from reconciler.sandbox.persistence import load_state


def test_seed_fleet_builds_repositories_that_look_made_on_github(sandbox: Sandbox, http: requests.Session) -> None:
    names = sandbox.seed_fleet(FleetSpec(organization="fleet-org", count=3, topics=("autonomy",)))

    assert names == ["fleet-org/repo-00000", "fleet-org/repo-00001", "fleet-org/repo-00002"]
    listing = http.get(f"{sandbox.url}/orgs/fleet-org/repos?per_page=100").json()
    labels = http.get(f"{sandbox.url}/repos/fleet-org/repo-00001/labels").json()
    workflows = http.get(f"{sandbox.url}/repos/fleet-org/repo-00001/actions/workflows").json()
    ci = http.get(
        f"{sandbox.url}/repos/fleet-org/repo-00001/contents/.github/workflows/ci.yml",
        headers={"Accept": "application/vnd.github.raw"},
    )
    assert sorted(repo["name"] for repo in listing) == ["repo-00000", "repo-00001", "repo-00002"]
    assert all(repo["topics"] == ["autonomy"] for repo in listing)
    assert len(labels) == 9 and all(label["default"] for label in labels)
    assert [(w["path"], w["state"]) for w in workflows["workflows"]] == [(".github/workflows/ci.yml", "active")]
    assert ci.content.startswith(b"name: CI")


def test_seeding_again_continues_the_numbering(sandbox: Sandbox) -> None:
    sandbox.seed_fleet(FleetSpec(organization="fleet-org", count=2, prefix="svc"))

    more = sandbox.seed_fleet(FleetSpec(organization="fleet-org", count=2, prefix="svc"))

    assert more == ["fleet-org/svc-00002", "fleet-org/svc-00003"]


def test_the_admin_endpoint_seeds_and_the_state_file_keeps_it(sandbox: Sandbox, state_file: Path) -> None:
    response = requests.post(
        f"{sandbox.url}/_sandbox/seed-fleet",
        json={"organization": "bench", "count": 5, "private": True, "workflow": False},
    )

    assert response.status_code == 201
    assert response.json() == {
        "organization": "bench",
        "created": 5,
        "first": "bench/repo-00000",
        "last": "bench/repo-00004",
    }
    saved = load_state(state_file)
    repos = saved.repos_of("bench")
    assert len(repos) == 5 and all(repo.private for repo in repos)
    assert repos[0].files() == {"README.md": b"# repo-00000\nSeeded for a fleet benchmark"}


@pytest.mark.parametrize(
    "body",
    [
        {"organization": "bench"},
        {"organization": "bench", "count": 0},
        {"organization": "sandbox-operator", "count": 1},
    ],
)
def test_the_admin_endpoint_refuses_a_bad_request(sandbox: Sandbox, body: dict[str, object]) -> None:
    response = requests.post(f"{sandbox.url}/_sandbox/seed-fleet", json=body)

    assert response.status_code == 400
    assert response.json()["message"]


def test_a_thousand_repositories_take_seconds_not_minutes() -> None:
    with Sandbox(seed=False) as sandbox:
        started = time.perf_counter()
        sandbox.seed_fleet(FleetSpec(organization="big", count=1000))
        elapsed = time.perf_counter() - started

        assert len(sandbox.state.repos_of("big")) == 1000
    # Through the API this is 1,000 creations, 12 minutes within GitHub's content limit.
    assert elapsed < 10
