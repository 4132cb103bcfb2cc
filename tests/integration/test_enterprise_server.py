"""A GitHub Enterprise Server layout end to end: REST under /api/v3, GraphQL at /api/graphql,
the token from GH_ENTERPRISE_TOKEN. The sandbox serves both layouts; these tests show the CLI,
given a GHES URL, keeps to the GHES one throughout and converges as on github.com."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.sandbox import Sandbox
from reconciler.sandbox.stats import Exchange
from tests.conftest import TEST_LIMITS
from tests.integration.conftest import FAST_RETRY, run, set_by_hand


@pytest.fixture
def enterprise(workdir: Path, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Exchange]]:
    """The fixture sandbox reached as a GitHub Enterprise Server: its /api/v3 URL and only an
    enterprise token. Yields every exchange the CLI makes."""
    monkeypatch.setattr("reconciler.commands.support.connect.GITHUB_RETRY", FAST_RETRY)
    monkeypatch.setattr("reconciler.commands.support.connect.GITHUB_LIMITS", TEST_LIMITS)
    monkeypatch.setenv("GH_ENTERPRISE_TOKEN", "ghes-token")
    monkeypatch.setenv("GITHUB_API_URL", f"{sandbox.url}/api/v3")
    set_by_hand(sandbox.state)
    seen: list[Exchange] = []
    sandbox.add_observer(seen.append)
    try:
        yield seen
    finally:
        sandbox.remove_observer(seen.append)


def test_plan_apply_plan_through_api_v3_converges(
    enterprise: list[Exchange], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "plan", "--detailed-exitcode")
    assert code == 2, err
    assert "+ label agent:handoff" in out

    code, out, err = run(capsys, "apply", "--auto-approve")
    assert code == 0, out + err
    assert "Apply complete:" in out and "failed" not in out

    code, out, err = run(capsys, "plan", "--detailed-exitcode")
    assert code == 0, out + err
    assert "No changes." in out

    # Every API URL handed out was under /api/v3, which is where the client asked (the sandbox
    # answers with the prefix the request came by); GraphQL went to the enterprise endpoint,
    # never github.com's /graphql.
    urls = [url for e in enterprise for url in re.findall(rb'"url": ?"([^"]+)"', e.response_body)]
    assert urls and all(b"/api/v3/" in url for url in urls)
    graphql = [e.route for e in enterprise if e.route.endswith("graphql")]
    assert graphql and set(graphql) == {"/api/graphql"}


def test_a_saved_plan_remembers_the_enterprise_url_and_verify_names_the_token_source(
    enterprise: list[Exchange], capsys: pytest.CaptureFixture[str], workdir: Path
) -> None:
    code, _, err = run(capsys, "plan", "--format", "json", "--out", "plan.json")
    assert code == 0, err
    saved = json.loads((workdir / "plan.json").read_text())
    assert saved["github_url"].endswith("/api/v3")

    code, out, err = run(capsys, "verify")
    assert "GH_ENTERPRISE_TOKEN" in out + err
    assert "ghes-token" not in out + err
