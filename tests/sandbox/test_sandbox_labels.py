"""Label behaviour the reconciler relies on, as described in shared/github-api-notes.md."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import requests
from github import Github, GithubException

from reconciler.sandbox import Sandbox

KERNEL = "Sovereign-Operating-System/sovereign-kernel"
RUNTIME = "Sovereign-Operating-System/agent-runtime"


def labels_url(sandbox: Sandbox, slug: str, name: str | None = None) -> str:
    base = f"{sandbox.url}/repos/{slug}/labels"
    return base if name is None else f"{base}/{quote(name, safe='')}"


def issue_label_names(http: requests.Session, sandbox: Sandbox, slug: str, number: int) -> list[str]:
    response = http.get(f"{sandbox.url}/repos/{slug}/issues/{number}")
    assert response.status_code == 200
    return [label["name"] for label in response.json()["labels"]]


def issues_with(http: requests.Session, sandbox: Sandbox, slug: str, label: str) -> list[int]:
    response = http.get(f"{sandbox.url}/repos/{slug}/issues", params={"state": "all", "labels": label})
    assert response.status_code == 200
    return sorted(issue["number"] for issue in response.json())


def test_create_returns_201_with_location_and_a_complete_label(sandbox: Sandbox, http: requests.Session) -> None:
    response = http.post(
        labels_url(sandbox, KERNEL),
        json={"name": "agent:handoff", "color": "C5DEF5", "description": "Handed"},
    )

    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "agent:handoff"
    assert body["color"] == "C5DEF5"  # case kept as sent
    assert body["default"] is False
    assert body["url"] == labels_url(sandbox, KERNEL, "agent:handoff")
    assert response.headers["Location"] == body["url"]
    assert http.get(body["url"]).json()["id"] == body["id"]


def test_duplicate_name_is_refused_case_insensitively(sandbox: Sandbox, http: requests.Session) -> None:
    response = http.post(labels_url(sandbox, KERNEL), json={"name": "BUG", "color": "000000"})

    assert response.status_code == 422
    body = response.json()
    assert body["message"] == "Validation Failed"
    assert body["errors"] == [{"resource": "Label", "code": "already_exists", "field": "name"}]
    assert body["status"] == "422"
    assert body["documentation_url"].startswith("https://docs.github.com/")


@pytest.mark.parametrize("color", ["#b60205", "b6020", "b602051", "zzzzzz", ""])
def test_bad_colour_is_refused(sandbox: Sandbox, http: requests.Session, color: str) -> None:
    response = http.post(labels_url(sandbox, KERNEL), json={"name": "new-label", "color": color})

    assert response.status_code == 422
    assert response.json()["errors"] == [{"resource": "Label", "code": "invalid", "field": "color"}]
    assert http.get(labels_url(sandbox, KERNEL, "new-label")).status_code == 404


def test_description_over_100_characters_is_refused(sandbox: Sandbox, http: requests.Session) -> None:
    ok = http.post(labels_url(sandbox, KERNEL), json={"name": "a", "color": "ffffff", "description": "x" * 100})
    too_long = http.post(labels_url(sandbox, KERNEL), json={"name": "b", "color": "ffffff", "description": "x" * 101})

    assert ok.status_code == 201
    assert too_long.status_code == 422
    error = too_long.json()["errors"][0]
    assert (error["code"], error["field"]) == ("invalid", "description")


@pytest.mark.contract_violations_expected  # the request itself breaks the contract: no name
def test_missing_name_is_a_missing_field(sandbox: Sandbox, http: requests.Session) -> None:
    response = http.post(labels_url(sandbox, KERNEL), json={"color": "ffffff"})

    assert response.status_code == 422
    assert response.json()["errors"] == [{"resource": "Label", "code": "missing_field", "field": "name"}]


def test_lookup_by_name_is_case_insensitive(sandbox: Sandbox, http: requests.Session) -> None:
    response = http.get(labels_url(sandbox, KERNEL, "Bug"))

    assert response.status_code == 200
    assert response.json()["name"] == "bug"


def test_unknown_label_and_unknown_repo_are_404(sandbox: Sandbox, http: requests.Session) -> None:
    missing_label = http.get(labels_url(sandbox, KERNEL, "no-such-label"))
    missing_repo = http.get(labels_url(sandbox, "Sovereign-Operating-System/no-such-repo"))

    for response in (missing_label, missing_repo):
        assert response.status_code == 404
        assert response.json()["message"] == "Not Found"
        assert response.json()["status"] == "404"


def test_rename_keeps_the_id_and_every_issue_keeps_the_label(sandbox: Sandbox, http: requests.Session) -> None:
    before = http.get(labels_url(sandbox, KERNEL, "in progress")).json()
    carriers = issues_with(http, sandbox, KERNEL, "in progress")
    assert len(carriers) == 3

    response = http.patch(labels_url(sandbox, KERNEL, "in progress"), json={"new_name": "status:in-progress"})

    assert response.status_code == 200
    assert response.json()["id"] == before["id"]
    assert response.json()["name"] == "status:in-progress"
    assert issues_with(http, sandbox, KERNEL, "status:in-progress") == carriers
    assert issues_with(http, sandbox, KERNEL, "in progress") == []
    assert http.get(labels_url(sandbox, KERNEL, "in progress")).status_code == 404


def test_rename_onto_another_label_is_refused_but_a_case_change_is_allowed(
    sandbox: Sandbox, http: requests.Session
) -> None:
    clash = http.patch(labels_url(sandbox, RUNTIME, "Priority: High"), json={"new_name": "BUG"})
    case_only = http.patch(labels_url(sandbox, RUNTIME, "bug"), json={"new_name": "Bug"})

    assert clash.status_code == 422
    assert clash.json()["errors"] == [{"resource": "Label", "code": "already_exists", "field": "name"}]
    assert case_only.status_code == 200
    assert case_only.json()["name"] == "Bug"


def test_patch_changes_colour_and_description_only_when_sent(sandbox: Sandbox, http: requests.Session) -> None:
    url = labels_url(sandbox, KERNEL, "priority:high")
    assert http.get(url).json()["color"] == "FF0000"

    recoloured = http.patch(url, json={"color": "d93f0b"}).json()
    described = http.patch(url, json={"description": "Next up"}).json()

    assert recoloured["color"] == "d93f0b"
    assert recoloured["description"] == "Next up for an agent or a human"
    assert described["color"] == "d93f0b"
    assert described["description"] == "Next up"


def test_failed_patch_changes_nothing(sandbox: Sandbox, http: requests.Session) -> None:
    url = labels_url(sandbox, KERNEL, "priority:high")
    before = http.get(url).json()

    response = http.patch(url, json={"new_name": "renamed", "color": "#d93f0b"})

    assert response.status_code == 422
    assert http.get(url).json() == before


def test_delete_removes_the_label_from_every_issue_and_pr(sandbox: Sandbox, http: requests.Session) -> None:
    carriers = issues_with(http, sandbox, KERNEL, "in progress")

    response = http.delete(labels_url(sandbox, KERNEL, "in progress"))

    assert response.status_code == 204
    assert response.content == b""
    for number in carriers:
        assert "in progress" not in issue_label_names(http, sandbox, KERNEL, number)
    assert http.delete(labels_url(sandbox, KERNEL, "in progress")).status_code == 404


@pytest.mark.parametrize("name", ["team: a/b", "needs+review", "🔥 hot", "x%y", "a?b#c"])
def test_names_with_reserved_characters_round_trip(sandbox: Sandbox, http: requests.Session, name: str) -> None:
    created = http.post(labels_url(sandbox, KERNEL), json={"name": name, "color": "abcdef"})
    assert created.status_code == 201
    assert created.json()["url"] == labels_url(sandbox, KERNEL, name)

    fetched = http.get(labels_url(sandbox, KERNEL, name))
    renamed = http.patch(labels_url(sandbox, KERNEL, name), json={"new_name": name + " 2"})
    deleted = http.delete(labels_url(sandbox, KERNEL, name + " 2"))

    assert fetched.status_code == 200
    assert fetched.json()["name"] == name
    assert renamed.json()["name"] == name + " 2"
    assert deleted.status_code == 204


def test_pygithub_label_lifecycle(gh: Github) -> None:
    repo = gh.get_repo(KERNEL)

    created = repo.create_label("agent:handoff", "c5def5", "Agent work handed to a human")
    fetched = repo.get_label("AGENT:HANDOFF")
    fetched.edit("agent:handoff", "C5DEF5", "Handed to a human")
    after_edit = repo.get_label("agent:handoff")

    assert fetched.id == created.id
    assert (after_edit.color, after_edit.description) == ("C5DEF5", "Handed to a human")
    with pytest.raises(GithubException) as excinfo:
        repo.create_label("Agent:Handoff", "ffffff")
    assert excinfo.value.status == 422
    after_edit.delete()
    assert "agent:handoff" not in {label.name for label in repo.get_labels()}


def test_seeded_drift_is_visible(gh: Github) -> None:
    kernel = {label.name: label for label in gh.get_repo(KERNEL).get_labels()}
    runtime = {label.name: label for label in gh.get_repo(RUNTIME).get_labels()}
    handbook = {label.name for label in gh.get_repo("Sovereign-Operating-System/operations-handbook").get_labels()}

    assert kernel["priority:high"].color == "FF0000"
    assert kernel["status:blocked"].description != "Waiting on something outside the issue"
    assert "agent:handoff" not in kernel
    assert kernel["bug"].default is True and kernel["priority:low"].default is False
    assert runtime["sev-2"].color == "D93F0B"
    assert "team:runtime" in runtime and "Priority: High" in runtime
    assert handbook == {
        "bug", "documentation", "duplicate", "enhancement", "good first issue",
        "help wanted", "invalid", "question", "wontfix",
    }  # fmt: skip
