"""Fixtures for the GitHub sandbox tests: a live server on a loopback port per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from github import Auth, Github

from reconciler.sandbox import Sandbox


@pytest.fixture
def state_file(tmp_path: Path) -> Path:
    return tmp_path / "sandbox-state.json"


@pytest.fixture
def sandbox(state_file: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    monkeypatch.delenv("RECONCILER_SANDBOX_LATENCY_MS", raising=False)
    with Sandbox(state_file) as sb:
        yield sb


@pytest.fixture
def http(sandbox: Sandbox) -> Iterator[requests.Session]:
    session = requests.Session()
    session.headers["Authorization"] = "token test-token"
    session.headers["Accept"] = "application/vnd.github+json"
    yield session
    session.close()


@pytest.fixture
def gh(sandbox: Sandbox) -> Iterator[Github]:
    client = Github(
        base_url=sandbox.url,
        auth=Auth.Token("test-token"),
        per_page=100,
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )
    yield client
    client.close()
