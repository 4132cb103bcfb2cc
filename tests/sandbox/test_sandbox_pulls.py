"""Pull requests: opened from a branch, found by head, edited, closed and merged."""

from __future__ import annotations

import base64

import pytest
import requests
from github import Github, GithubException

from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import RepoState

ORG = "Sovereign-Operating-System"
KERNEL = f"{ORG}/sovereign-kernel"
BRANCH = "reconciler/sync"


def api(sandbox: Sandbox) -> str:
    return f"{sandbox.url}/repos/{KERNEL}"


def kernel(sandbox: Sandbox) -> RepoState:
    repo = sandbox.state.find_repo(ORG, "sovereign-kernel")
    assert repo is not None
    return repo


def branch_with_file(
    http: requests.Session, sandbox: Sandbox, path: str = "docs/sync.md", data: bytes = b"synced\n"
) -> None:
    main = kernel(sandbox).branch_head("main")
    http.post(f"{api(sandbox)}/git/refs", json={"ref": f"refs/heads/{BRANCH}", "sha": main})
    body = {"message": f"Write {path}", "content": base64.b64encode(data).decode(), "branch": BRANCH}
    current = http.get(f"{api(sandbox)}/contents/{path}", params={"ref": BRANCH})
    if current.status_code == 200:
        body["sha"] = current.json()["sha"]
    written = http.put(f"{api(sandbox)}/contents/{path}", json=body)
    assert written.status_code in (200, 201)


def open_pull(http: requests.Session, sandbox: Sandbox, **fields: object) -> requests.Response:
    body = {
        "title": "Sync managed files",
        "head": f"{ORG}:{BRANCH}",
        "base": "main",
        "body": "Plan",
        **fields,
    }
    return http.post(f"{api(sandbox)}/pulls", json=body)


def test_open_a_pull_request(sandbox: Sandbox, http: requests.Session) -> None:
    branch_with_file(http, sandbox)

    response = open_pull(http, sandbox)

    pull = response.json()
    assert response.status_code == 201 and response.headers["Location"] == pull["url"]
    assert pull["number"] == len(kernel(sandbox).issues)  # the issue number space is shared
    assert (pull["state"], pull["merged"], pull["mergeable"], pull["draft"]) == ("open", False, True, False)
    assert (pull["head"]["ref"], pull["head"]["label"], pull["base"]["ref"]) == (
        BRANCH,
        f"{ORG}:{BRANCH}",
        "main",
    )
    assert pull["head"]["sha"] == kernel(sandbox).branch_head(BRANCH)
    assert (pull["commits"], pull["changed_files"], pull["additions"], pull["deletions"]) == (1, 1, 1, 0)
    as_issue = http.get(f"{api(sandbox)}/issues/{pull['number']}").json()
    assert as_issue["pull_request"]["url"] == pull["url"] and as_issue["title"] == "Sync managed files"


def test_invalid_pull_requests_are_refused(sandbox: Sandbox, http: requests.Session) -> None:
    branch_with_file(http, sandbox)
    open_pull(http, sandbox)

    duplicate = open_pull(http, sandbox, head=BRANCH)
    same = open_pull(http, sandbox, head="main")
    unknown = open_pull(http, sandbox, head="no-such-branch")
    no_commits = open_pull(http, sandbox, head="main", base=BRANCH)

    assert [r.status_code for r in (duplicate, same, unknown, no_commits)] == [422] * 4
    assert duplicate.json()["errors"][0]["message"] == f"A pull request already exists for {ORG}:{BRANCH}."
    assert unknown.json()["errors"][0]["field"] == "head"


def test_list_by_head_and_state(sandbox: Sandbox, http: requests.Session) -> None:
    branch_with_file(http, sandbox)
    number = open_pull(http, sandbox).json()["number"]

    by_head = http.get(f"{api(sandbox)}/pulls", params={"head": f"{ORG}:{BRANCH}", "state": "open"}).json()
    other_owner = http.get(f"{api(sandbox)}/pulls", params={"head": f"someone:{BRANCH}"}).json()
    every = http.get(f"{api(sandbox)}/pulls", params={"state": "all", "per_page": 2})
    closed = http.get(f"{api(sandbox)}/pulls", params={"state": "closed", "base": "main"}).json()

    assert [p["number"] for p in by_head] == [number]
    assert other_owner == []
    assert len(every.json()) == 2 and 'rel="next"' in every.headers["Link"]
    assert [p["title"] for p in closed] == ["Fix typo in build guide"]


def test_update_close_and_reopen(sandbox: Sandbox, http: requests.Session) -> None:
    branch_with_file(http, sandbox)
    url = open_pull(http, sandbox).json()["url"]

    edited = http.patch(url, json={"title": "Sync (2 files)", "body": "New plan"}).json()
    closed = http.patch(url, json={"state": "closed"}).json()
    by_head = http.get(f"{api(sandbox)}/pulls", params={"head": f"{ORG}:{BRANCH}"}).json()
    reopened = http.patch(url, json={"state": "open"}).json()

    assert (edited["title"], edited["body"]) == ("Sync (2 files)", "New plan")
    assert closed["state"] == "closed" and closed["closed_at"] and not closed["merged"]
    assert by_head == []
    assert reopened["state"] == "open" and reopened["closed_at"] is None


def test_deleting_the_head_branch_closes_the_pull_request(sandbox: Sandbox, http: requests.Session) -> None:
    branch_with_file(http, sandbox)
    pull = open_pull(http, sandbox).json()

    assert http.delete(f"{api(sandbox)}/git/refs/heads/{BRANCH}").status_code == 204
    after = http.get(pull["url"]).json()

    assert after["state"] == "closed" and after["head"]["sha"] == pull["head"]["sha"]
    assert http.put(f"{pull['url']}/merge").status_code == 405


def test_a_pull_request_takes_comments_through_the_issues_api(sandbox: Sandbox, http: requests.Session) -> None:
    branch_with_file(http, sandbox)
    number = open_pull(http, sandbox).json()["number"]

    http.post(f"{api(sandbox)}/issues/{number}/comments", json={"body": "<!-- reconciler:plan -->"})

    assert http.get(f"{api(sandbox)}/pulls/{number}").json()["comments"] == 1
    assert [c["body"] for c in http.get(f"{api(sandbox)}/issues/{number}/comments").json()] == [
        "<!-- reconciler:plan -->"
    ]


def test_merge_lands_the_branch_on_the_base(sandbox: Sandbox, http: requests.Session) -> None:
    branch_with_file(http, sandbox)
    pull = open_pull(http, sandbox).json()
    base_before = kernel(sandbox).branch_head("main")
    http.put(  # main moves on meanwhile, without touching the same file
        f"{api(sandbox)}/contents/other.md",
        json={"message": "Other", "content": base64.b64encode(b"o\n").decode()},
    )

    merged = http.put(f"{pull['url']}/merge", json={"merge_method": "merge"})
    again = http.put(f"{pull['url']}/merge")
    after = http.get(pull["url"]).json()

    repo = kernel(sandbox)
    head_commit = repo.commit_log()[0][1]
    assert merged.status_code == 200 and merged.json()["merged"] is True
    assert merged.json()["sha"] == repo.branch_head("main") == after["merge_commit_sha"]
    assert head_commit.message.startswith(f"Merge pull request #{pull['number']} from {KERNEL.split('/')[0]}/")
    assert len(head_commit.parents) == 2 and base_before != head_commit.parents[0]
    assert repo.read_file("docs/sync.md") == b"synced\n" and repo.read_file("other.md") == b"o\n"
    assert (after["state"], after["merged"], after["merged_by"]["login"]) == (
        "closed",
        True,
        "sandbox-operator",
    )
    assert again.status_code == 405
    issue = http.get(f"{api(sandbox)}/issues/{pull['number']}").json()
    assert issue["state"] == "closed" and issue["pull_request"]["merged_at"] == after["merged_at"]


def test_a_conflicting_pull_request_is_not_mergeable(sandbox: Sandbox, http: requests.Session) -> None:
    branch_with_file(http, sandbox, "README.md", b"branch\n")
    pull = open_pull(http, sandbox).json()
    readme = http.get(f"{api(sandbox)}/contents/README.md").json()["sha"]
    http.put(
        f"{api(sandbox)}/contents/README.md",
        json={"message": "Main", "content": base64.b64encode(b"main\n").decode(), "sha": readme},
    )

    state = http.get(pull["url"]).json()
    refused = http.put(f"{pull['url']}/merge")

    assert (state["mergeable"], state["mergeable_state"]) == (False, "dirty")
    assert refused.status_code == 405 and refused.json()["message"] == "Pull Request is not mergeable"
    assert kernel(sandbox).read_file("README.md") == b"main\n"


def test_pygithub_finds_and_merges(sandbox: Sandbox, gh: Github, http: requests.Session) -> None:
    branch_with_file(http, sandbox)
    repo = gh.get_repo(KERNEL)
    created = repo.create_pull(base="main", head=BRANCH, title="Sync", body="Plan")

    found = list(repo.get_pulls(state="open", head=f"{ORG}:{BRANCH}"))
    status = found[0].merge(merge_method="squash")

    assert [p.number for p in found] == [created.number]
    assert status.merged
    squashed = kernel(sandbox).commit_log()[0][1]
    assert squashed.message == f"Sync (#{created.number})" and len(squashed.parents) == 1
    with pytest.raises(GithubException) as raised:
        repo.create_pull(base="main", head="main", title="Nothing")
    assert raised.value.status == 422
