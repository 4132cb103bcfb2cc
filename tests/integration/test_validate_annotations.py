"""`validate --format github`: every problem as a GitHub Actions annotation on its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.errors import Problem
from reconciler.render.workflow_commands import annotation
from tests.integration.conftest import run


def test_problems_become_error_annotations_with_file_line_and_column(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = workdir / "bad"
    bad.mkdir()
    (bad / "repos.yml").write_text(
        "repositories:\n  - repository: not-a-slug\n    labels:\n      items:\n        - {name: bug, color: red}\n"
    )

    code, out, _ = run(capsys, "validate", "bad", "--format", "github")

    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2
    assert all(line.startswith("::error file=bad/repos.yml,line=") for line in lines)
    assert any(",line=2,col=" in line and "not a repository" in line for line in lines)
    assert any(",line=5,col=" in line and "not a colour" in line for line in lines)


def test_strict_turns_warnings_into_error_annotations(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = workdir / "desired-state" / "workflows" / "autonomous-agent-loop.yml"
    source.write_text(
        source.read_text()
        + "\n  extra:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.issue.title }}\n"
    )

    code, out, _ = run(capsys, "validate", "--format", "github")
    assert code == 0 and "::warning file=desired-state/workflows/autonomous-agent-loop.yml" in out

    code, out, _ = run(capsys, "validate", "--strict", "--format", "github")
    assert code == 1 and "::error file=desired-state/workflows/autonomous-agent-loop.yml" in out


def test_annotation_values_are_escaped() -> None:
    problem = Problem("a,b:c.yml", 3, 7, "labels.items", "100% wrong\nsecond line")

    assert annotation(problem) == (
        "::error file=a%2Cb%3Ac.yml,line=3,col=7,title=reconciler%3A labels.items::100%25 wrong%0Asecond line"
    )
