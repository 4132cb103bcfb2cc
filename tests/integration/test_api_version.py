"""Every request reconciler sends names the REST API version it was written against.

GitHub answers a request without `X-GitHub-Api-Version` in its default version, which will not
always be 2022-11-28; a request with it keeps its meaning until GitHub retires that version.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from reconciler.github.http import API_VERSION
from reconciler.sandbox import Exchange, Sandbox
from tests.integration.conftest import run


def test_every_request_of_plan_and_apply_on_the_sandbox_names_the_api_version(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[Exchange] = []
    start = Sandbox.start

    def observed(self: Sandbox) -> str:
        self.add_observer(seen.append)
        return start(self)

    # The --sandbox commands start their own sandbox: watch every one they start.
    monkeypatch.setattr(Sandbox, "start", observed)

    assert run(capsys, "plan", "--sandbox")[0] == 0
    assert run(capsys, "apply", "--sandbox", "--auto-approve")[0] == 1  # one secret needs a person

    methods = Counter(exchange.method for exchange in seen)
    assert methods["GET"] > 20 and methods["POST"] + methods["PATCH"] + methods["PUT"] > 50, methods
    versions = Counter(exchange.request_headers.get("x-github-api-version") for exchange in seen)
    assert API_VERSION == "2022-11-28"
    assert versions == {API_VERSION: len(seen)}, [
        f"{e.method} {e.path}" for e in seen if e.request_headers.get("x-github-api-version") != API_VERSION
    ]


def test_plan_apply_and_drift_say_what_they_spent(
    workdir: Path, observation: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Through GraphQL, labels and .github/workflows listings of the three repositories are one
    # query (one point) instead of six REST requests.
    code, _, err = run(capsys, "plan", "--sandbox")
    assert code == 0
    if observation == "rest":
        assert "GitHub: 17 requests (17 GET, 0 writes); 17 REST points" in err
    else:
        assert "GitHub: 12 requests (11 GET, 0 writes, 1 GraphQL); 11 REST points, 1 GraphQL point" in err
    code, _, err = run(capsys, "apply", "--sandbox", "--auto-approve")
    if observation == "rest":
        assert "GitHub: 98 requests (27 GET, 71 writes); 382 REST points; 62 content-creating" in err
    else:
        assert "GitHub: 93 requests (21 GET, 71 writes, 1 GraphQL); 376 REST points, 1 GraphQL point" in err
    assert "62 content-creating" in err
    code, _, err = run(capsys, "drift", "--sandbox")
    if observation == "rest":
        assert code == 2 and "GitHub: 16 requests (16 GET, 0 writes)" in err
    else:
        assert code == 2 and "GitHub: 11 requests (10 GET, 0 writes, 1 GraphQL)" in err
