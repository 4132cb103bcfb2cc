"""Actions variables as the sandbox serves them, including their small pages (10 by default, 30 at most)."""

from __future__ import annotations

import re

import pytest
import requests
from github import Github

from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import RepoState, Variable

ORG = "Sovereign-Operating-System"
HANDBOOK = f"{ORG}/operations-handbook"


def variables_url(sandbox: Sandbox, name: str | None = None, slug: str = HANDBOOK) -> str:
    base = f"{sandbox.url}/repos/{slug}/actions/variables"
    return base if name is None else f"{base}/{name}"


def handbook(sandbox: Sandbox) -> RepoState:
    repo = sandbox.state.find_repo(ORG, "operations-handbook")
    assert repo is not None
    return repo


def add_variables(sandbox: Sandbox, count: int) -> None:
    with sandbox.state.lock:
        for index in range(count):
            handbook(sandbox).variables.append(Variable(f"BULK_{index:03d}", str(index)))


def test_create_is_201_and_an_existing_name_is_409_case_insensitively(sandbox: Sandbox, http: requests.Session) -> None:
    created = http.post(variables_url(sandbox), json={"name": "autonomy_max_prs", "value": "1"})
    again = http.post(variables_url(sandbox), json={"name": "AUTONOMY_MAX_PRS", "value": "2"})

    assert created.status_code == 201
    assert created.json() == {}
    assert again.status_code == 409
    variable = http.get(variables_url(sandbox, "Autonomy_Max_Prs")).json()
    assert (variable["name"], variable["value"]) == ("AUTONOMY_MAX_PRS", "1")


def test_patch_and_delete_are_204(sandbox: Sandbox, http: requests.Session) -> None:
    http.post(variables_url(sandbox), json={"name": "REGION", "value": "eu"})

    patched = http.patch(variables_url(sandbox, "region"), json={"name": "REGION", "value": "us"})
    assert patched.status_code == 204 and patched.content == b""
    assert http.get(variables_url(sandbox, "REGION")).json()["value"] == "us"

    assert http.delete(variables_url(sandbox, "REGION")).status_code == 204
    assert http.get(variables_url(sandbox, "REGION")).status_code == 404
    assert http.patch(variables_url(sandbox, "REGION"), json={"value": "x"}).status_code == 404


def test_bad_names_are_refused(sandbox: Sandbox, http: requests.Session) -> None:
    for name in ("GITHUB_SHA", "9LIVES", "has-dash"):
        assert http.post(variables_url(sandbox), json={"name": name, "value": "x"}).status_code == 422
    assert handbook(sandbox).variables == []


@pytest.mark.contract_violations_expected  # the request itself breaks the contract on purpose
def test_a_value_that_is_not_text_is_refused(sandbox: Sandbox, http: requests.Session) -> None:
    assert http.post(variables_url(sandbox), json={"name": "OK", "value": 3}).status_code == 422
    assert handbook(sandbox).variables == []


def test_list_pages_by_10_by_default_and_by_at_most_30(sandbox: Sandbox, http: requests.Session) -> None:
    add_variables(sandbox, 45)

    default = http.get(variables_url(sandbox))
    capped = http.get(variables_url(sandbox), params={"per_page": "100"})
    last = http.get(variables_url(sandbox), params={"per_page": "30", "page": "2"})

    assert default.json()["total_count"] == 45 and len(default.json()["variables"]) == 10
    assert len(capped.json()["variables"]) == 30
    assert 'rel="next"' in capped.headers["Link"]
    assert len(last.json()["variables"]) == 15
    assert re.search(r'rel="prev"', last.headers["Link"])


def test_pygithub_following_links_sees_every_variable(sandbox: Sandbox, gh: Github) -> None:
    add_variables(sandbox, 45)
    names = [v.name for v in gh.get_repo(HANDBOOK).get_variables()]
    assert len(names) == len(set(names)) == 45


def test_seeded_drift_for_the_demo(sandbox: Sandbox, http: requests.Session) -> None:
    kernel = http.get(variables_url(sandbox, slug=f"{ORG}/sovereign-kernel")).json()["variables"]
    runtime = http.get(variables_url(sandbox, slug=f"{ORG}/agent-runtime")).json()["variables"]
    assert {"name": "AUTONOMY_MAX_ISSUES", "value": "10"}.items() <= next(
        v for v in kernel if v["name"] == "AUTONOMY_MAX_ISSUES"
    ).items()
    assert "TEAM_SLACK_CHANNEL" in {v["name"] for v in runtime}
