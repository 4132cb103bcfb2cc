"""The Git Data API: several files in one commit, and refs that only fast-forward unless forced."""

from __future__ import annotations

import base64
import hashlib

import pytest
import requests
from github import Github, GithubException, InputGitTreeElement

from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import RepoState

ORG = "Sovereign-Operating-System"
KERNEL = f"{ORG}/sovereign-kernel"
AGENT_LOOP = ".github/workflows/autonomous-agent-loop.yml"


def git(sandbox: Sandbox) -> str:
    return f"{sandbox.url}/repos/{KERNEL}/git"


def kernel(sandbox: Sandbox) -> RepoState:
    repo = sandbox.state.find_repo(ORG, "sovereign-kernel")
    assert repo is not None
    return repo


def commit_on(http: requests.Session, sandbox: Sandbox, parent: str, path: str, text: str) -> str:
    """A commit on top of ``parent`` that writes one file; no ref moves."""
    base_tree = http.get(f"{git(sandbox)}/commits/{parent}").json()["tree"]["sha"]
    entry = {"path": path, "mode": "100644", "type": "blob", "content": text}
    tree = http.post(f"{git(sandbox)}/trees", json={"base_tree": base_tree, "tree": [entry]}).json()
    commit = http.post(f"{git(sandbox)}/commits", json={"message": text, "tree": tree["sha"], "parents": [parent]})
    sha: str = commit.json()["sha"]
    return sha


def test_several_files_in_one_commit_with_pygithub(sandbox: Sandbox, gh: Github) -> None:
    repo = gh.get_repo(KERNEL)
    ref = repo.get_git_ref("heads/main")
    head = repo.get_git_commit(ref.object.sha)
    blob = repo.create_git_blob(base64.b64encode(b"\x00binary\xff").decode(), "base64")

    tree = repo.create_git_tree(
        [
            InputGitTreeElement(AGENT_LOOP, "100644", "blob", content="name: Autonomous Agent Loop\n"),
            InputGitTreeElement("tools/bin/data.bin", "100644", "blob", sha=blob.sha),
            InputGitTreeElement(".github/workflows/ci.yml", "100644", "blob", sha=None),
        ],
        base_tree=head.tree,
    )
    commit = repo.create_git_commit("Sync managed files", tree, [head])
    ref.edit(commit.sha)

    files = kernel(sandbox).files()
    assert blob.sha == hashlib.sha1(b"blob 8\0\x00binary\xff").hexdigest()
    assert files[AGENT_LOOP] == b"name: Autonomous Agent Loop\n"
    assert files["tools/bin/data.bin"] == b"\x00binary\xff"
    assert ".github/workflows/ci.yml" not in files and "README.md" in files
    assert kernel(sandbox).commit_log()[0][1].parents == [head.sha]
    assert repo.get_git_ref("heads/main").object.sha == commit.sha


def test_trees_read_flat_or_recursive(sandbox: Sandbox, http: requests.Session) -> None:
    flat = http.get(f"{git(sandbox)}/trees/main").json()
    deep = http.get(f"{git(sandbox)}/trees/{flat['sha']}", params={"recursive": "1"}).json()

    assert {(e["path"], e["type"]) for e in flat["tree"]} == {(".github", "tree"), ("README.md", "blob")}
    assert [e["path"] for e in deep["tree"]] == [
        ".github",
        ".github/workflows",
        AGENT_LOOP,
        ".github/workflows/ci.yml",
        "README.md",
    ]
    blobs = [e for e in deep["tree"] if e["type"] == "blob"]
    assert all(e["mode"] == "100644" and e["size"] > 0 for e in blobs) and deep["truncated"] is False


def test_blobs_round_trip(sandbox: Sandbox, http: requests.Session) -> None:
    created = http.post(f"{git(sandbox)}/blobs", json={"content": "héllo\r\n", "encoding": "utf-8"})
    read = http.get(created.json()["url"]).json()

    data = "héllo\r\n".encode()
    assert created.status_code == 201 and created.headers["Location"] == created.json()["url"]
    assert created.json()["sha"] == hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
    assert (read["encoding"], read["size"], base64.b64decode(read["content"])) == ("base64", len(data), data)
    assert http.get(f"{git(sandbox)}/blobs/{'0' * 40}").status_code == 404


def test_ref_update_fast_forwards_only_unless_forced(sandbox: Sandbox, http: requests.Session) -> None:
    main = http.get(f"{git(sandbox)}/ref/heads/main").json()["object"]["sha"]
    ahead = commit_on(http, sandbox, main, "a.txt", "ahead")
    sideways = commit_on(http, sandbox, main, "b.txt", "sideways")

    forward = http.patch(f"{git(sandbox)}/refs/heads/main", json={"sha": ahead})
    refused = http.patch(f"{git(sandbox)}/refs/heads/main", json={"sha": sideways})
    still = kernel(sandbox).branch_head("main")
    forced = http.patch(f"{git(sandbox)}/refs/heads/main", json={"sha": sideways, "force": True})

    assert forward.status_code == 200 and forward.json()["object"]["sha"] == ahead
    assert refused.status_code == 422 and refused.json()["message"] == "Update is not a fast forward"
    assert still == ahead
    assert forced.status_code == 200 and kernel(sandbox).branch_head("main") == sideways
    assert kernel(sandbox).read_file("a.txt") is None and kernel(sandbox).read_file("b.txt") == b"sideways"


def test_branches_are_created_listed_and_deleted(sandbox: Sandbox, http: requests.Session) -> None:
    main = kernel(sandbox).branch_head("main")

    created = http.post(f"{git(sandbox)}/refs", json={"ref": "refs/heads/reconciler/sync", "sha": main})
    twice = http.post(f"{git(sandbox)}/refs", json={"ref": "refs/heads/reconciler/sync", "sha": main})
    matching = http.get(f"{git(sandbox)}/matching-refs/heads/reconciler/").json()
    deleted = http.delete(f"{git(sandbox)}/refs/heads/reconciler/sync")
    gone = http.get(f"{git(sandbox)}/ref/heads/reconciler/sync")

    assert created.status_code == 201
    assert created.json()["ref"] == "refs/heads/reconciler/sync"
    assert created.headers["Location"] == f"{git(sandbox)}/refs/heads/reconciler/sync"
    assert twice.status_code == 422 and twice.json()["message"] == "Reference already exists"
    assert [r["ref"] for r in matching] == ["refs/heads/reconciler/sync"]
    assert deleted.status_code == 204 and gone.status_code == 404


def test_commits_read_back_with_their_parents(sandbox: Sandbox, http: requests.Session) -> None:
    main = kernel(sandbox).branch_head("main")
    assert main is not None
    sha = commit_on(http, sandbox, main, "c.txt", "see")

    commit = http.get(f"{git(sandbox)}/commits/{sha}").json()

    assert [p["sha"] for p in commit["parents"]] == [main]
    assert commit["message"] == "see" and commit["verification"]["verified"] is False
    assert commit["author"]["name"] == "Sandbox Operator"
    assert http.get(f"{git(sandbox)}/commits/{'f' * 40}").status_code == 404


def test_bad_objects_are_refused(sandbox: Sandbox, http: requests.Session) -> None:
    missing = "0" * 40
    bad_parent = http.post(f"{git(sandbox)}/commits", json={"message": "m", "tree": missing, "parents": []})
    bad_ref_sha = http.patch(f"{git(sandbox)}/refs/heads/main", json={"sha": missing})
    bad_entry = http.post(
        f"{git(sandbox)}/trees",
        json={"tree": [{"path": "x", "mode": "100644", "type": "blob", "sha": missing}]},
    )
    no_ref = http.patch(f"{git(sandbox)}/refs/heads/nope", json={"sha": missing})

    assert [r.status_code for r in (bad_parent, bad_ref_sha, bad_entry, no_ref)] == [422] * 4


def test_pygithub_sees_a_non_fast_forward_as_422(sandbox: Sandbox, gh: Github, http: requests.Session) -> None:
    main = kernel(sandbox).branch_head("main")
    assert main is not None
    # The branch is one commit ahead of main; a sibling of that commit is not a descendant.
    sibling = commit_on(http, sandbox, main, "x.txt", "x")
    ref = gh.get_repo(KERNEL).get_git_ref("heads/page-fault-rework")

    with pytest.raises(GithubException) as raised:
        ref.edit(sibling)

    assert raised.value.status == 422
