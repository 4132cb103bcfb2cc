"""Where the token comes from, as the GitHub CLI looks for one: GH_TOKEN, then GITHUB_TOKEN,
then `gh auth token` for the API's host; verify says which (never the token)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from reconciler.sandbox import Sandbox
from reconciler.sandbox.identities import TokenGrant
from tests.conftest import FAST_RETRY, TEST_LIMITS
from tests.integration.conftest import run

GH_STUB = """#!/bin/sh
echo "$@" >> "$GH_STUB_LOG"
if [ "$1 $2 $3" = "auth token --hostname" ] && [ "$4" = "$GH_STUB_HOST" ]; then
  echo "$GH_STUB_TOKEN"
  exit 0
fi
echo "no oauth token found for $4" >&2
exit 1
"""


@pytest.fixture
def github(workdir: Path, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """The sandbox reached like real GitHub, knowing three tokens, each for its own user."""
    monkeypatch.setattr("reconciler.commands.support.connect.GITHUB_RETRY", FAST_RETRY)
    monkeypatch.setattr("reconciler.commands.support.connect.GITHUB_LIMITS", TEST_LIMITS)
    monkeypatch.setenv("GITHUB_API_URL", sandbox.url)
    for token, user in (
        ("gh-token-value", "gh-user"),
        ("github-token-value", "actions-user"),
        ("cli-value", "cli-user"),
    ):
        sandbox.set_token_grant(token, TokenGrant(login=user))
    yield sandbox


@pytest.fixture
def gh(workdir: Path, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `gh` on PATH logged in for the sandbox's host (as `gh auth login --hostname` would
    leave it); the file it returns lists how it was called."""
    bin_dir = workdir / "stub-bin"
    bin_dir.mkdir()
    stub = bin_dir / "gh"
    stub.write_text(GH_STUB)
    stub.chmod(0o755)
    calls = workdir / "gh-calls"
    monkeypatch.setenv("PATH", f"{bin_dir}:{Path('/usr/bin')}:{Path('/bin')}")
    monkeypatch.setenv("GH_STUB_LOG", str(calls))
    monkeypatch.setenv("GH_STUB_HOST", urlsplit(sandbox.url).netloc)
    monkeypatch.setenv("GH_STUB_TOKEN", "cli-value")
    return calls


def token_check(capsys: pytest.CaptureFixture[str]) -> str:
    code, out, err = run(capsys, "verify", "--format", "json")
    assert code in (1, 2), out + err
    checks = json.loads(out)["checks"]
    return str(next(c["detail"] for c in checks if c["name"] == "Token"))


def test_gh_token_wins_over_github_token(
    github: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "github-token-value")
    monkeypatch.setenv("GH_TOKEN", "gh-token-value")

    detail = token_check(capsys)

    assert "acts for gh-user" in detail and detail.endswith("; from GH_TOKEN")
    assert "gh-token-value" not in detail


def test_github_token_alone_is_used_and_named(
    github: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "github-token-value")

    detail = token_check(capsys)

    assert "acts for actions-user" in detail and detail.endswith("; from GITHUB_TOKEN")


def test_gh_auth_token_for_the_apis_host_is_used_when_neither_is_set(
    github: Sandbox, gh: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    detail = token_check(capsys)

    assert "acts for cli-user" in detail and detail.endswith("; from gh auth token")
    assert gh.read_text().splitlines() == [f"auth token --hostname {urlsplit(github.url).netloc}"]


def test_a_variable_wins_over_gh(
    github: Sandbox, gh: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "github-token-value")

    assert token_check(capsys).endswith("; from GITHUB_TOKEN")
    assert not gh.exists(), "gh was asked although a token was set"


def test_gh_logged_in_elsewhere_gives_no_token_and_the_error_says_what_to_do(
    github: Sandbox, gh: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GH_STUB_HOST", "github.com")

    code, _, err = run(capsys, "plan")

    assert code == 1
    assert "no GitHub token: set GITHUB_TOKEN or GH_TOKEN" in err and "gh auth login --hostname" in err
    assert gh.read_text().strip()  # it was asked, and said no


def test_gh_host_naming_another_host_is_not_asked_for_this_one(
    github: Sandbox, gh: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GH_HOST", "ghe.example.com")

    code, _, err = run(capsys, "plan")

    assert code == 1 and "GH_HOST is ghe.example.com but the API is on" in err
    assert not gh.exists()


def test_help_says_where_the_credentials_come_from_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")

    assert code == 0
    said = " ".join(out.split())
    assert "GitHub App (--app-id and --app-private-key" in said
    assert said.index("GH_TOKEN;") < said.index("GITHUB_TOKEN;") < said.index("`gh auth token`")
