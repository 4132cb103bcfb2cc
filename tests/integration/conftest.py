"""Fixtures for end-to-end tests: a copy of the example desired state, a sandbox, and hostile
servers for the tests that point a client at one."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.cli import invoke
from reconciler.engine.prefetch import GRAPHQL_VARIABLE
from reconciler.sandbox import Sandbox, SandboxState
from tests.conftest import FAST_RETRY, TEST_LIMITS
from tests.hostile_server import HostileServer

ROOT = Path(__file__).resolve().parents[2]
KERNEL = "Sovereign-Operating-System/sovereign-kernel"
RUNTIME = "Sovereign-Operating-System/agent-runtime"
HANDBOOK = "Sovereign-Operating-System/operations-handbook"
ORG = "Sovereign-Operating-System"
GRAPHQL_ROUTES = ("POST /graphql", "POST /api/graphql")
# The example's only secret without a value source: apply reports it for a person to set.
BY_HAND = ("agent-runtime", "CLAUDE_API_KEY")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the example desired state, a private sandbox state file, and the demo's
    secret source set, as the README's demo does."""
    shutil.copytree(ROOT / "desired-state", tmp_path / "desired-state")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RECONCILER_SANDBOX_STATE", str(tmp_path / "sandbox.json"))
    monkeypatch.setenv("RECONCILER_DEMO_CODEX_API_KEY", "codex-key-for-tests")
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_API_URL", GRAPHQL_VARIABLE):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture(params=["graphql", "rest"])
def observation(request: pytest.FixtureRequest, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each way a plan observes: through GraphQL (the default) and, with the switch off, REST only."""
    if request.param == "rest":
        monkeypatch.setenv(GRAPHQL_VARIABLE, "0")
    return str(request.param)


@pytest.fixture
def server() -> Iterator[HostileServer]:
    """A loopback server that answers as each test routes it, however GitHub never would."""
    with HostileServer() as running:
        yield running


@pytest.fixture
def elsewhere() -> Iterator[HostileServer]:
    """A second such server: the host a redirect points at, which must never see the token."""
    with HostileServer() as running:
        yield running


def writes(sandbox: Sandbox) -> dict[str, int]:
    """Requests that could have changed something: all but GETs and GraphQL queries. (The
    sandbox's GraphQL schema has no mutations, see test_sandbox_graphql_errors, and a planning
    reader refuses to send one.)"""
    return {
        route: n
        for route, n in sandbox.stats.by_route().items()
        if not route.startswith("GET ") and route not in GRAPHQL_ROUTES
    }


def set_by_hand(state: SandboxState) -> None:
    """What `gh secret set` does for the secret apply cannot set."""
    with state.lock:
        repo = state.find_repo(ORG, BY_HAND[0])
        assert repo is not None
        repo.store_secret(BY_HAND[1], b"set-by-a-person")


@pytest.fixture
def live(workdir: Path, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """The fixture sandbox, reached like real GitHub: --github-url and a token. The one secret
    only a person can set is already set, so apply converges."""
    monkeypatch.setattr("reconciler.commands.support.connect.GITHUB_RETRY", FAST_RETRY)
    monkeypatch.setattr("reconciler.commands.support.connect.GITHUB_LIMITS", TEST_LIMITS)
    monkeypatch.setenv("GITHUB_TOKEN", "test-token")
    monkeypatch.setenv("GITHUB_API_URL", sandbox.url)
    set_by_hand(sandbox.state)
    yield sandbox


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = invoke(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err
