"""A server that echoes the token in an error (a misconfigured proxy, a GHES that quotes the
`Authorization` header) cannot make reconciler show or store it: not at the terminal, in a
report file, a saved plan, a drift issue or a pull-request comment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import RepoState
from tests.integration.conftest import KERNEL, ORG, run

TOKEN = "ghp_EchoedBackByAProxy0123456789abcdefgh"
ECHO = f"Bad credentials: Authorization: token {TOKEN}"


@pytest.fixture
def echoing(live: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """The live sandbox, reached with a token that looks like a real one."""
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    yield live


def kernel(sandbox: Sandbox) -> RepoState:
    found = sandbox.state.find_repo(ORG, "sovereign-kernel")
    assert found is not None
    return found


def error_body(message: str) -> dict[str, str]:
    return {"message": message, "documentation_url": "https://docs.github.com/rest"}


def assert_hidden(*texts: str) -> None:
    for text in texts:
        assert TOKEN not in text
    assert any("***" in text for text in texts), "the echoed message was shown, with the token replaced"


def test_a_401_that_echoes_the_token_leaves_it_out_of_verify_and_its_report(
    echoing: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    echoing.inject_fault(method="GET", path_pattern="^/user$", status=401, body=error_body(ECHO), times=5)
    report = workdir / "health.md"

    code, out, err = run(capsys, "verify", "--report-file", str(report))

    assert code == 1
    assert_hidden(out + err, report.read_text(encoding="utf-8"))


def test_a_401_that_echoes_the_token_leaves_it_out_of_the_error(
    echoing: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    echoing.inject_fault(method="GET", path_pattern="/repos$", status=401, body=error_body(ECHO), times=5)

    code, out, err = run(capsys, "plan", "--out", "plan.json")

    assert code == 1 and "Error:" in err
    assert_hidden(out + err)
    assert not (workdir / "plan.json").exists() or TOKEN not in (workdir / "plan.json").read_text()


@pytest.mark.parametrize("output_format", ["text", "json", "markdown"])
def test_a_403_that_echoes_the_token_leaves_it_out_of_the_plan_and_the_saved_plan(
    echoing: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str], output_format: str
) -> None:
    echoing.inject_fault(
        method="GET", path_pattern="/agent-runtime/actions/secrets$", status=403, body=error_body(ECHO), times=1000
    )

    code, out, err = run(capsys, "plan", "--out", "plan.json", "--format", output_format)

    assert code == 1, "the repository could not be planned"
    saved = (workdir / "plan.json").read_text(encoding="utf-8")
    assert_hidden(out + err, saved)
    assert "agent-runtime" in saved


def test_a_403_that_echoes_the_token_leaves_it_out_of_the_drift_issue_and_the_plan_comment(
    echoing: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    echoing.inject_fault(
        method="GET", path_pattern="/agent-runtime/actions/secrets$", status=403, body=error_body(ECHO), times=1000
    )
    with echoing.state.lock:
        pull_request = next(i.number for i in kernel(echoing).issues if i.is_pull_request)

    code, out, err = run(capsys, "drift", "--report-issue", KERNEL)
    assert code == 1 and "Drift issue: created" in err
    code, out2, err2 = run(capsys, "plan", "--comment-on", f"{KERNEL}#{pull_request}")
    assert code == 1 and "Plan comment: created" in err2

    with echoing.state.lock:
        bodies = [i.body or "" for i in kernel(echoing).issues] + [c.body for c in kernel(echoing).comments]
    published = [body for body in bodies if "agent-runtime" in body and "could not" in body.lower()]
    assert len(published) == 2, "the issue and the comment both report the unreadable repository"
    assert_hidden(out + err + out2 + err2, *published)
    for body in published:
        assert TOKEN not in body


def test_a_422_that_echoes_the_token_leaves_it_out_of_apply(
    echoing: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    body = {
        "message": "Validation Failed",
        "errors": [{"resource": "Label", "code": "custom", "field": "name", "message": f"not for {TOKEN}"}],
        "documentation_url": "https://docs.github.com/rest",
    }
    echoing.inject_fault(method="POST", path_pattern="/agent-runtime/labels$", status=422, body=body, times=1000)

    code, out, err = run(capsys, "apply", "--auto-approve")

    assert code == 1, "a change failed"
    assert_hidden(out + err)
