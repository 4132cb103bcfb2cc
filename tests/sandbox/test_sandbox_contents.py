"""``/contents/{path}``: files and directories read, one file written or deleted per commit."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
import requests
from github import Github

from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import RepoState

ORG = "Sovereign-Operating-System"
KERNEL = f"{ORG}/sovereign-kernel"
CONTENTS = "/repos/{owner}/{repo}/contents/{path}"


def api(sandbox: Sandbox, slug: str = KERNEL) -> str:
    return f"{sandbox.url}/repos/{slug}"


def kernel(sandbox: Sandbox) -> RepoState:
    repo = sandbox.state.find_repo(ORG, "sovereign-kernel")
    assert repo is not None
    return repo


def blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def put(http: requests.Session, sandbox: Sandbox, path: str, data: bytes, **fields: Any) -> requests.Response:
    body = {"message": f"Write {path}", "content": b64(data), **fields}
    return http.put(f"{api(sandbox)}/contents/{path}", json=body)


# -- reading ------------------------------------------------------------------------------------


def test_get_a_file(sandbox: Sandbox, http: requests.Session) -> None:
    response = http.get(f"{api(sandbox)}/contents/.github/workflows/ci.yml")

    body = response.json()
    data = kernel(sandbox).read_file(".github/workflows/ci.yml")
    assert response.status_code == 200 and data is not None
    assert (body["type"], body["encoding"], body["name"]) == ("file", "base64", "ci.yml")
    assert (body["path"], body["size"], body["sha"]) == (".github/workflows/ci.yml", len(data), blob_id(data))
    assert base64.b64decode(body["content"]) == data
    # Wrapped the way GitHub wraps it: 60 characters a line, each line ending in a newline.
    lines = body["content"].split("\n")
    assert lines[-1] == "" and all(len(line) == 60 for line in lines[:-2]) and 0 < len(lines[-2]) <= 60
    assert body["url"] == f"{api(sandbox)}/contents/.github/workflows/ci.yml?ref=main"
    assert body["git_url"] == f"{api(sandbox)}/git/blobs/{body['sha']}"
    assert body["_links"] == {"self": body["url"], "git": body["git_url"], "html": body["html_url"]}


def test_get_a_directory_lists_entries_without_content(sandbox: Sandbox, http: requests.Session) -> None:
    root = http.get(f"{api(sandbox)}/contents/.github").json()
    workflows = http.get(f"{api(sandbox)}/contents/.github/workflows").json()

    assert [(e["type"], e["path"]) for e in root] == [("dir", ".github/workflows")]
    assert root[0]["download_url"] is None and root[0]["size"] == 0
    assert [e["name"] for e in workflows] == ["autonomous-agent-loop.yml", "ci.yml"]
    assert all(e["type"] == "file" and "content" not in e for e in workflows)


def test_missing_paths_and_refs_are_404(sandbox: Sandbox, http: requests.Session) -> None:
    missing = http.get(f"{api(sandbox)}/contents/nope.md")
    under_a_file = http.get(f"{api(sandbox)}/contents/README.md/child")
    bad_ref = http.get(f"{api(sandbox)}/contents/README.md", params={"ref": "no-such-branch"})
    handbook = http.get(f"{api(sandbox, f'{ORG}/operations-handbook')}/contents/.github/workflows")

    assert [r.status_code for r in (missing, under_a_file, bad_ref, handbook)] == [404] * 4
    assert missing.json()["message"] == "Not Found"


def test_ref_selects_the_branch(sandbox: Sandbox, http: requests.Session) -> None:
    on_branch = http.get(f"{api(sandbox)}/contents/docs/page-faults.md", params={"ref": "page-fault-rework"})
    on_main = http.get(f"{api(sandbox)}/contents/docs/page-faults.md")

    assert on_branch.status_code == 200 and on_main.status_code == 404
    assert on_branch.json()["url"].endswith("?ref=page-fault-rework")


def test_pygithub_reads_files_and_directories(sandbox: Sandbox, gh: Github) -> None:
    repo = gh.get_repo(KERNEL)

    readme = repo.get_contents("README.md")
    listing = repo.get_contents(".github/workflows", ref="main")

    assert not isinstance(readme, list) and readme.decoded_content.startswith(b"# sovereign-kernel")
    assert isinstance(listing, list) and {c.path for c in listing} == {
        ".github/workflows/autonomous-agent-loop.yml",
        ".github/workflows/ci.yml",
    }
    assert sandbox.stats.count("GET", CONTENTS) == 2


# -- writing ------------------------------------------------------------------------------------


def test_put_creates_then_updates_with_one_commit_each(sandbox: Sandbox, http: requests.Session) -> None:
    repo = kernel(sandbox)
    before = repo.branch_head("main")
    data = "Zeilenende\r\nÜmlaut ☕\r\n".encode()

    created = put(http, sandbox, "docs/notes.md", data)
    first_commit = created.json()["commit"]["sha"]
    updated = put(http, sandbox, "docs/notes.md", b"v2\n", sha=created.json()["content"]["sha"])

    assert created.status_code == 201 and updated.status_code == 200
    assert created.json()["content"]["sha"] == blob_id(data)
    assert created.json()["commit"]["parents"][0]["sha"] == before
    assert updated.json()["commit"]["parents"][0]["sha"] == first_commit
    assert updated.json()["commit"]["message"] == "Write docs/notes.md"
    assert [sha for sha, _ in repo.commit_log()][:3] == [
        updated.json()["commit"]["sha"],
        first_commit,
        before,
    ]
    assert repo.read_file("docs/notes.md") == b"v2\n"
    assert repo.read_file("docs/notes.md", first_commit) == data


def test_put_takes_the_committer_and_the_branch(sandbox: Sandbox, http: requests.Session) -> None:
    committer = {"name": "Reconciler Bot", "email": "bot@example.org"}

    response = put(http, sandbox, "notes.md", b"x\n", branch="page-fault-rework", committer=committer)

    commit = response.json()["commit"]
    assert response.status_code == 201
    assert (commit["committer"]["name"], commit["author"]["email"]) == ("Reconciler Bot", "bot@example.org")
    assert kernel(sandbox).read_file("notes.md", "page-fault-rework") == b"x\n"
    assert kernel(sandbox).read_file("notes.md") is None


def test_updating_without_or_with_a_stale_sha_is_refused(sandbox: Sandbox, http: requests.Session) -> None:
    repo = kernel(sandbox)
    head = repo.branch_head("main")
    current = blob_id(repo.read_file("README.md") or b"")
    stale = blob_id(b"an older README\n")

    without = put(http, sandbox, "README.md", b"new\n")
    conflict = put(http, sandbox, "README.md", b"new\n", sha=stale)
    unknown_branch = put(http, sandbox, "README.md", b"new\n", sha=current, branch="nope")

    assert without.status_code == 422
    assert without.json()["message"] == 'Invalid request.\n\n"sha" wasn\'t supplied.'
    assert conflict.status_code == 409
    assert conflict.json()["message"] == f"README.md is at {current} but expected {stale}"
    assert unknown_branch.status_code == 404
    assert put(http, sandbox, "README.md/child.md", b"x\n").status_code == 422
    assert repo.branch_head("main") == head


def test_delete_a_file(sandbox: Sandbox, http: requests.Session) -> None:
    repo = kernel(sandbox)
    sha = blob_id(repo.read_file(".github/workflows/ci.yml") or b"")

    stale = http.delete(
        f"{api(sandbox)}/contents/.github/workflows/ci.yml", json={"message": "rm", "sha": blob_id(b"?")}
    )
    deleted = http.delete(f"{api(sandbox)}/contents/.github/workflows/ci.yml", json={"message": "rm", "sha": sha})
    again = http.delete(f"{api(sandbox)}/contents/.github/workflows/ci.yml", json={"message": "rm", "sha": sha})

    assert stale.status_code == 409
    assert deleted.status_code == 200
    assert deleted.json()["content"] is None and deleted.json()["commit"]["message"] == "rm"
    assert again.status_code == 404
    assert ".github/workflows/ci.yml" not in repo.files()
    assert len(repo.commit_log()) == 2


@pytest.mark.contract_violations_expected  # GitHub's schema requires the sha we leave out
def test_delete_without_sha_is_refused(sandbox: Sandbox, http: requests.Session) -> None:
    response = http.delete(f"{api(sandbox)}/contents/README.md", json={"message": "rm"})

    assert response.status_code == 422
    assert kernel(sandbox).read_file("README.md") is not None


def test_pygithub_creates_updates_and_deletes(sandbox: Sandbox, gh: Github) -> None:
    repo = gh.get_repo(KERNEL)

    created = repo.create_file("docs/a.md", "Add a", "one\n")
    updated = repo.update_file("docs/a.md", "Change a", "two\n", created["content"].sha)
    repo.delete_file("docs/a.md", "Remove a", updated["content"].sha)

    assert created["content"].sha == blob_id(b"one\n")
    assert updated["commit"].sha != created["commit"].sha
    messages = [commit.message for _, commit in kernel(sandbox).commit_log()]
    assert messages[:4] == ["Remove a", "Change a", "Add a", "Initial commit"]
    assert sandbox.stats.count("PUT", CONTENTS) == 2 and sandbox.stats.count("DELETE", CONTENTS) == 1


def test_the_first_file_of_an_empty_repository_creates_its_default_branch(
    sandbox: Sandbox, http: requests.Session
) -> None:
    with sandbox.state.lock:
        empty = sandbox.state.add_repo(ORG, "empty")
    url = api(sandbox, f"{ORG}/empty")

    before = http.get(f"{url}/contents/README.md")
    refs = http.get(f"{url}/git/ref/heads/main")
    created = http.put(f"{url}/contents/README.md", json={"message": "Start", "content": b64(b"# empty\n")})

    assert before.status_code == 404 and before.json()["message"] == "This repository is empty."
    assert refs.status_code == 409 and refs.json()["message"] == "Git Repository is empty."
    assert created.status_code == 201 and created.json()["commit"]["parents"] == []
    assert empty.files() == {"README.md": b"# empty\n"}
