"""The README, followed as written: every command of every `bash` block, in order, in a fresh
clone of this working tree, against the built-in sandbox.

Each line's exit code is held to the one its comment states (`# ... exit 2 ...`), 0 where it
states none; afterwards the clone's `git status` must be clean, so no example leaves a file
behind or edits the example desired state. A line runs in-process through the command line's
own entry point when it is a plain `reconciler ...` command, and in bash otherwise (exports
carry on, as in a shell session). `NOT_RUN` lists, with the reason, the only lines left out:
those that need real GitHub, a terminal, or another shell, and the ones that install or run
this very suite.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from reconciler.cli import invoke

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
# The installing half of the first line: reconciler is installed already (the report of the
# change that made this test times a fresh install of both first lines).
INSTALL = "pip install -e . && "
NOT_RUN = {
    "pip install -e '.[test]' && pytest": "installs the test extra and runs this very suite",
    "pip install -e '.[test]'": "installs the test extra, which this suite already has",
    "pytest": "the suite this test is part of",
    "export GH_TOKEN=...": "real GitHub: a real token",
    "reconciler apply --app-id 12345 --app-private-key reconciler.private-key.pem": "real GitHub: a real App",
    "reconciler plan": "real GitHub",
    "reconciler apply": "real GitHub, and a terminal to answer its question",
    "reconciler verify": "real GitHub",
    "reconciler verify --out health.md": "real GitHub",
    'eval "$(_RECONCILER_COMPLETE=zsh_source reconciler)"': "zsh's start-up file",
    "_RECONCILER_COMPLETE=fish_source reconciler | source": "fish's start-up file",
}
_SHELL = re.compile(r"[|&;<>$`()]|^\w+=")
_EXIT = re.compile(r"\bexit (\d)\b")
_EXPORT = re.compile(r"^export (\w+)=(\S*)$")
_CLEARED = ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_API_URL", "RECONCILER_SANDBOX_STATE", "RECONCILER_PROGRESS")


@dataclass(frozen=True)
class Line:
    number: int  # in README.md
    command: str
    expected: int

    def __str__(self) -> str:
        return f"README.md:{self.number}: {self.command}"


def readme_lines(text: str) -> list[Line]:
    """Every command line of every ```bash block, with the exit code its comment states."""
    lines: list[Line] = []
    inside = False
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("```"):
            inside = stripped == "```bash" if not inside else False
            continue
        if not inside or not stripped or stripped.startswith("#"):
            continue
        command, _, comment = stripped.partition(" #")
        stated = _EXIT.search(comment)
        lines.append(Line(number, command.strip(), int(stated.group(1)) if stated else 0))
    return lines


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


def clone_working_tree(into: Path) -> Path:
    """A clone of this repository with the working tree's uncommitted changes laid on top and
    committed there, so `git status` starts clean."""
    clone = into / "reconciler"
    git("clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone), cwd=into)
    changed = git("ls-files", "--modified", "--others", "--exclude-standard", "-z", cwd=ROOT).split("\0")
    deleted = set(git("ls-files", "--deleted", "-z", cwd=ROOT).split("\0"))
    for name in filter(None, changed):
        target = clone / name
        if name in deleted:
            target.unlink(missing_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    if git("status", "--porcelain", cwd=clone):
        git("add", "--all", cwd=clone)
        git("-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "-qm", "work", cwd=clone)
    return clone


def run_line(line: str, clone: Path, env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    if not _SHELL.search(line) and line.startswith("reconciler "):
        code = invoke(shlex.split(line)[1:])
        captured = capsys.readouterr()
        return code, captured.out + captured.err
    done = subprocess.run(
        ["bash", "-c", line],
        cwd=clone,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs this repository's git checkout")
def test_every_readme_command_runs_as_written_and_leaves_the_checkout_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = readme_lines(README.read_text(encoding="utf-8"))
    commands = {line.command for line in lines}
    assert not set(NOT_RUN) - commands, f"NOT_RUN names lines the README no longer has: {set(NOT_RUN) - commands}"

    clone = clone_working_tree(tmp_path)
    monkeypatch.chdir(clone)
    for name in _CLEARED:
        monkeypatch.delenv(name, raising=False)
    # `reconciler` and `python` are this environment's, as after the README's own install.
    bin_dir = str(Path(sys.executable).parent)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    env = dict(os.environ)

    ran: list[str] = []
    for line in lines:
        if line.command in NOT_RUN:
            continue
        command = line.command.removeprefix(INSTALL)
        exported = _EXPORT.match(command)
        if exported:
            monkeypatch.setenv(exported.group(1), exported.group(2))
            env[exported.group(1)] = exported.group(2)
            continue
        code, output = run_line(command, clone, env, capsys)
        assert code == line.expected, f"{line}\nexited {code}, not {line.expected}:\n{output[-3000:]}"
        ran.append(command)

    assert len(ran) >= 35, ran
    assert {"reconciler plan --sandbox", "reconciler sandbox reset"} <= set(ran)
    status = git("status", "--porcelain", "--untracked-files=all", cwd=clone)
    assert status == "", f"the README's examples left the checkout changed:\n{status}"
    assert not (clone / "health.md").exists() and not (clone / "plan.json").exists()
