"""The state file shared by several sandboxes at once: each sees the others' writes, none loses
one, a write stores what it changed, and an interrupted change leaves the file as it was.

Two ``Sandbox`` objects on one file stand for two processes here (each has its own
connection and its own copy of the state); tests/integration/test_sandbox_processes.py runs
real processes."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import requests

from reconciler.sandbox import Sandbox, StateFileError
from reconciler.sandbox.persistence import load_state
from reconciler.sandbox.seed import seeded_state
from tests.sandbox.state_files import saved_state

ORG = "Sovereign-Operating-System"
KERNEL = f"{ORG}/sovereign-kernel"
AUTH = {"Authorization": "token test-token"}


def create_label(sandbox: Sandbox, name: str, repo: str = KERNEL) -> int:
    response = requests.post(f"{sandbox.url}/repos/{repo}/labels", headers=AUTH, json={"name": name, "color": "ffffff"})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def label_names(sandbox: Sandbox, repo: str = KERNEL) -> set[str]:
    response = requests.get(f"{sandbox.url}/repos/{repo}/labels", headers=AUTH, params={"per_page": 100})
    return {label["name"] for label in response.json()}


def rows_written_last(state_file: Path) -> set[str]:
    with closing(sqlite3.connect(state_file)) as db:
        (generation,) = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return {key for (key,) in db.execute("SELECT key FROM rows WHERE version = ?", (generation,))}


def test_two_sandboxes_on_one_file_see_each_others_writes_and_lose_none(state_file: Path) -> None:
    with Sandbox(state_file) as first, Sandbox(state_file) as second:
        ids = [create_label(first, "from-first"), create_label(second, "from-second")]
        ids += [create_label(first, "first-again"), create_label(second, "second-again")]

        assert {"from-first", "from-second", "first-again", "second-again"} <= label_names(first)
        assert label_names(first) == label_names(second)
    assert len(set(ids)) == 4  # id counters are shared too
    reopened = load_state(state_file).find_repo(ORG, "sovereign-kernel")
    assert reopened is not None
    assert {"from-first", "from-second", "first-again", "second-again"} <= {label.name for label in reopened.labels}


def test_a_write_stores_only_what_it_changed(sandbox: Sandbox, state_file: Path) -> None:
    kernel = sandbox.state.find_repo(ORG, "sovereign-kernel")
    assert kernel is not None

    create_label(sandbox, "just-this")

    written = rows_written_last(state_file)
    assert f"repo:{kernel.id}" in written
    assert not {key for key in written if key.startswith("repo:")} - {f"repo:{kernel.id}"}
    assert len(written) <= 4  # the repository, the id counters, the rate-limit window, the accounts


def test_a_reset_by_one_sandbox_reaches_the_other(state_file: Path) -> None:
    with Sandbox(state_file) as serving:
        create_label(serving, "about-to-go")
        other = Sandbox(state_file)
        other.reset()
        other.close()

        assert "about-to-go" not in label_names(serving)
        assert "bug" in label_names(serving)


def test_a_change_by_hand_is_saved_when_its_transaction_ends(state_file: Path) -> None:
    with Sandbox(state_file) as serving:
        writer = Sandbox(state_file)
        with writer.transaction() as state:
            repo = state.find_repo(ORG, "sovereign-kernel")
            assert repo is not None
            state.add_label(repo, "by-hand", "000000")
        writer.close()

        assert "by-hand" in label_names(serving)


def test_an_interrupted_change_leaves_the_file_as_it_was(state_file: Path) -> None:
    sandbox = Sandbox(state_file)
    with pytest.raises(RuntimeError, match="power cut"), sandbox.transaction() as state:
        repo = state.find_repo(ORG, "sovereign-kernel")
        assert repo is not None
        state.add_label(repo, "half-done", "000000")
        raise RuntimeError("power cut")
    sandbox.close()

    saved = load_state(state_file).find_repo(ORG, "sovereign-kernel")
    assert saved is not None and saved.find_label("half-done") is None


def test_an_older_json_state_file_is_migrated_keeping_its_state(tmp_path: Path) -> None:
    state = seeded_state()
    kernel = state.find_repo(ORG, "sovereign-kernel")
    assert kernel is not None
    state.add_label(kernel, "from-the-json-days", "abcdef")
    legacy = state.to_json()
    legacy["schema_version"] = 1
    legacy["tokens"] = {"old-token": {"scopes": ["read:org"], "role": "pull"}}
    state_file = tmp_path / "sandbox-state.json"
    state_file.write_text(json.dumps(legacy), encoding="utf-8")

    with Sandbox(state_file) as migrated:
        assert "from-the-json-days" in label_names(migrated)
        old = requests.get(f"{migrated.url}/repos/{KERNEL}", headers={"Authorization": "token old-token"})
        assert old.json()["permissions"]["push"] is False  # the grant came along

    assert state_file.read_bytes().startswith(b"SQLite format 3\x00")
    assert b"old-token" not in state_file.read_bytes()
    assert saved_state(state_file)["schema_version"] == 2


def test_a_file_that_is_neither_sqlite_nor_json_is_reported(tmp_path: Path) -> None:
    state_file = tmp_path / "state.sqlite3"
    state_file.write_bytes(b"\x00\x01 not a database at all" * 50)

    with pytest.raises(StateFileError, match=r"state\.sqlite3"):
        Sandbox(state_file)


def test_the_in_memory_sandbox_writes_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with Sandbox() as sandbox:
        create_label(sandbox, "in-memory")
        assert "in-memory" in label_names(sandbox)
    assert list(tmp_path.iterdir()) == []
