"""The pre-commit hook a desired-state repository uses: a valid manifest, and an entry that runs."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"


def _hook() -> dict[str, Any]:
    hooks = YAML(typ="safe").load(MANIFEST.read_text())
    (hook,) = (h for h in hooks if h["id"] == "reconciler-validate")
    return dict(hook)


def test_the_manifest_is_what_pre_commit_accepts() -> None:
    clientlib = pytest.importorskip("pre_commit.clientlib")
    (loaded,) = (h for h in clientlib.load_manifest(str(MANIFEST)) if h["id"] == "reconciler-validate")
    assert loaded["language"] == "python" and loaded["pass_filenames"] is False


def _run_hook(repository: Path) -> subprocess.CompletedProcess[str]:
    hook = _hook()
    entry = shlex.split(hook["entry"])
    # What pre-commit runs: the entry, then the hook's args (no file names: pass_filenames is false).
    executable = shutil.which(entry[0], path=str(Path(sys.executable).parent)) or entry[0]
    command = [executable, *entry[1:], *hook.get("args", [])]
    return subprocess.run(command, cwd=repository, capture_output=True, text=True, timeout=60, check=False)


def test_the_hook_passes_a_valid_desired_state_and_names_file_and_line_of_a_broken_one(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "desired-state", tmp_path / "desired-state")
    good = _run_hook(tmp_path)
    assert good.returncode == 0, good.stderr
    target = tmp_path / "desired-state" / "repositories" / "operations-handbook.yml"
    target.write_text(target.read_text().replace("max_issues: 1", "max_issues: 99"))
    bad = _run_hook(tmp_path)
    assert bad.returncode == 1
    assert "desired-state/repositories/operations-handbook.yml:" in bad.stderr + bad.stdout
    assert "max_issues" in bad.stderr + bad.stdout
