"""Git object ids as git computes them, and the object store's life in the state file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from reconciler.sandbox import Sandbox, SandboxState
from reconciler.sandbox.gitobjects import (
    EMPTY_TREE_SHA,
    FILE_MODE,
    Commit,
    GitStore,
    Signature,
    TreeEntry,
    blob_sha,
    set_leaf,
)
from reconciler.sandbox.seed import ORG_LOGIN, seeded_state
from tests.sandbox.state_files import saved_state

KERNEL = "sovereign-kernel"

# Computed with git itself (`git hash-object`, `git write-tree`, `git commit-tree`).
CRLF = b"one\r\ntwo\r\n"
NON_ASCII = "café ☕\n".encode()
GIT_IDS = {
    CRLF: "4e349b596c5c9d38a82829fafbaf52281c21e319",
    NON_ASCII: "df113425d6f29a3f8cfb2ca897bebf8703e56d20",
    b"x": "c1b0730e0133447badcfd47fd144e254807b06e1",
    b"": "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391",
}
GIT_TREE = "62b2e96f3383cba707e3e1efaff2e9cba18e074d"  # a.txt, a/b.txt, a-b, empty
GIT_COMMIT = "6786da15c96dbb12afdb2fe210c26113a244374c"  # that tree, "Add files\n", by Ada


def documented_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@pytest.mark.parametrize("data", [*GIT_IDS, b"hello\n", bytes(range(256))])
def test_blob_ids_are_gits(data: bytes) -> None:
    assert blob_sha(data) == documented_blob_id(data)
    if data in GIT_IDS:
        assert blob_sha(data) == GIT_IDS[data]


def test_tree_and_commit_ids_are_gits() -> None:
    store = GitStore()
    files = {"a.txt": CRLF, "a/b.txt": NON_ASCII, "a-b": b"x", "empty": b""}
    # git sorts the subtree "a" as if named "a/": after "a-b" and "a.txt" ('-' < '.' < '/').
    tree = store.build_tree(
        {path: TreeEntry(FILE_MODE, path.rsplit("/", 1)[-1], store.put_blob(data)) for path, data in files.items()}
    )
    ada = Signature("Ada Lovelace", "ada@example.org", "2025-01-02T03:04:05Z")
    commit = store.put_commit(Commit(tree, [], ada, ada, "Add files\n"))

    assert tree == GIT_TREE
    assert commit == GIT_COMMIT
    assert store.build_tree({}) == EMPTY_TREE_SHA
    assert [e.name for e in store.tree(tree) or []] == ["a-b", "a.txt", "a", "empty"]
    assert store.files(commit) == files


def test_seeded_repositories_start_with_one_commit_holding_their_files() -> None:
    state = seeded_state()

    for repo in state.repos_of(ORG_LOGIN):
        log = repo.commit_log()
        assert len(log) == 1 and log[0][1].parents == []
        assert log[0][1].message == "Initial commit"
        assert repo.read_file("README.md", "main") == f"# {repo.name}\n\n{repo.description}\n".encode()
        for path, data in repo.files().items():
            entry = repo.git.lookup(repo.git.commits[log[0][0]].tree, path)
            assert entry is not None and entry.sha == documented_blob_id(data)


def test_seeded_pull_requests_have_a_branch_one_commit_ahead() -> None:
    repo = seeded_state().find_repo(ORG_LOGIN, KERNEL)
    assert repo is not None

    for issue in repo.pulls():
        assert issue.pull is not None
        log = repo.commit_log(issue.pull.head)
        assert len(log) == 2 and log[1][0] == repo.branch_head("main")


def test_the_object_store_survives_the_state_file(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    with Sandbox(state_file) as first:
        repo = first.state.find_repo(ORG_LOGIN, KERNEL)
        assert repo is not None
        with first.state.lock:
            first.state.commit_files(repo, "main", {"docs/ünïcode.md": NON_ASCII, "crlf.txt": CRLF}, "Add")
            expected = repo.files()
            head = repo.branch_head("main")
        first.persist()

    raw = saved_state(state_file)
    kernel = next(r for r in raw["repos"] if r["name"] == KERNEL)
    assert kernel["git"]["refs"]["refs/heads/main"] == head
    assert kernel["git"]["blobs"][GIT_IDS[CRLF]] == "b25lDQp0d28NCg=="  # base64, one line

    reloaded = SandboxState.from_json(raw).find_repo(ORG_LOGIN, KERNEL)
    assert reloaded is not None
    assert reloaded.files() == expected
    assert [w.name for w in reloaded.workflows] == ["Autonomous Agent Loop", "CI"]


def test_a_file_and_a_directory_never_share_a_name() -> None:
    store = GitStore()
    leaf = TreeEntry(FILE_MODE, "", store.put_blob(b"x"))
    leaves = {"docs": leaf, "tools/run": leaf, "tools/lib/a": leaf}

    set_leaf(leaves, "docs/guide.md", leaf)  # the file "docs" gives way to the directory
    set_leaf(leaves, "tools", leaf)  # and the directory "tools" to a file
    set_leaf(leaves, "gone", None)

    assert sorted(leaves) == ["docs/guide.md", "tools"]
    assert [e.name for e in store.tree(store.build_tree(leaves)) or []] == ["docs", "tools"]
