"""`plan --changed-only BASE_REF`: only repositories whose effective desired state changed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from reconciler.sandbox import Sandbox
from tests.integration.conftest import HANDBOOK, KERNEL, RUNTIME, run


def git(workdir: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=workdir, check=True, capture_output=True)


@pytest.fixture
def repository(workdir: Path) -> Path:
    """The desired state committed on a base branch, as in a pull request."""
    git(workdir, "init", "-q", "-b", "main")
    git(workdir, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", "desired-state")
    git(workdir, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "base")
    return workdir


def test_a_change_to_one_repository_file_reads_only_that_repository(
    live: Sandbox, repository: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own = repository / "desired-state" / "repositories" / "operations-handbook.yml"
    own.write_text(own.read_text().replace("max_issues: 1", "max_issues: 2"))
    live.stats.reset()
    code, out, err = run(capsys, "plan", "--changed-only", "main", "--detailed-exitcode")
    assert code == 2
    assert "1 of 3 repositories have a changed desired state; the other 2 were not read" in err
    # It says what changed in the repository's effective desired state, by name.
    assert f"{HANDBOOK}: limits.max_issues: 1 → 2" in err
    assert HANDBOOK in out and KERNEL not in out and RUNTIME not in out
    assert list(live.stats.by_repo()) == [HANDBOOK]
    assert live.stats.by_route()["GET /orgs/{org}/repos"] == 1, "both versions share one listing"


def test_a_pack_change_reaches_every_repository_that_applies_it(
    live: Sandbox, repository: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = repository / "desired-state" / "workflows" / "autonomous-agent-loop.yml"
    source.write_text(source.read_text().replace('"17 * * * *"', '"47 * * * *"'))
    code, _, err = run(capsys, "plan", "--changed-only", "main")
    assert code == 0
    assert "3 of 3 repositories" in err
    assert f"{KERNEL}: workflows.items[.github/workflows/autonomous-agent-loop.yml].body_sha256:" in err
    assert set(live.stats.by_repo()) == {KERNEL, RUNTIME, HANDBOOK}


def test_no_change_reads_no_repository(live: Sandbox, repository: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repository / "desired-state" / "packs" / "sovereign-autonomy.yml").write_text(
        (repository / "desired-state" / "packs" / "sovereign-autonomy.yml").read_text() + "# a comment only\n"
    )
    code, out, err = run(capsys, "plan", "--changed-only", "main", "--detailed-exitcode")
    assert code == 0 and "0 of 3 repositories" in err
    assert live.stats.by_repo() == {}
    assert "No changes." in out


def test_a_base_that_is_not_a_commit_is_a_clear_error(
    live: Sandbox, repository: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "plan", "--changed-only", "no-such-branch")
    assert code == 1 and "'no-such-branch' is not a commit" in err
