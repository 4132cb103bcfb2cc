"""Every command's --help: examples that run as written, help for every option, -V, completion.

The examples are read from the help text itself, so what a user copies is what is tested.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest

from reconciler import __version__
from reconciler.cli import cli
from tests.integration.conftest import run

# The sandbox group is the sandbox's own click group; its help is its own business.
COMMANDS = sorted(name for name in cli.commands if name != "sandbox")
_EXIT = re.compile(r"#.*?\bexit (\d)\b")


def examples_in(help_text: str) -> list[tuple[list[str], int]]:
    """Each example line under the Examples heading, with the exit code its comment names (else 0)."""
    _, _, tail = help_text.partition("Examples (")
    found = []
    for line in tail.splitlines():
        stripped = line.strip()
        if not stripped.startswith("reconciler "):
            continue
        command, _, comment = stripped.partition("#")
        expected = _EXIT.search("#" + comment) if comment else None
        found.append((shlex.split(command)[1:], int(expected.group(1)) if expected else 0))
    return found


@pytest.mark.parametrize("name", [None, *COMMANDS])
def test_every_help_shows_examples_that_run_on_the_sandbox(
    name: str | None, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, help_text, _ = run(capsys, *([name] if name else []), "--help")
    assert code == 0
    found = examples_in(help_text)
    assert 2 <= len(found) <= 4, f"{name or 'reconciler'} --help shows {len(found)} examples"
    for argv, expected in found:
        code, out, err = run(capsys, *argv)
        assert code == expected, f"reconciler {shlex.join(argv)} exited {code}, not {expected}:\n{out}\n{err}"


def _options(command: click.Command, path: str) -> list[tuple[str, click.Option]]:
    found = [(path, p) for p in command.params if isinstance(p, click.Option)]
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            found += _options(sub, f"{path} {name}")
    return found


def test_every_option_says_what_it_does() -> None:
    # The sandbox's commands too: a user meets them in the same --help.
    missing = [f"{path} {option.opts[0]}" for path, option in _options(cli, "reconciler") if not option.help]
    assert not missing, f"options without help text: {missing}"


def test_every_command_takes_the_desired_state_as_one_positional_path(capsys: pytest.CaptureFixture[str]) -> None:
    # A group of housekeeping commands (`cache info`, `cache clear`) reads no desired state.
    for name in [n for n in COMMANDS if not isinstance(cli.commands[n], click.Group)]:
        code, help_text, _ = run(capsys, name, "--help")
        assert code == 0
        usage = help_text.splitlines()[0]
        assert usage.endswith(" [PATH]"), usage
        assert "--path" not in help_text or name == "import", f"{name} takes a --path option"


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version_flags(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, flag)
    assert code == 0
    assert out.strip() == f"reconciler, version {__version__}"


@pytest.mark.parametrize(
    ("shell", "marker"),
    [("bash", "complete -o nosort -F"), ("zsh", "#compdef reconciler"), ("fish", "complete --no-files --command")],
)
def test_shell_completion_scripts_are_produced_as_the_readme_says(shell: str, marker: str) -> None:
    env = {**os.environ, "_RECONCILER_COMPLETE": f"{shell}_source"}
    done = subprocess.run(
        [sys.executable, "-m", "reconciler"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert marker in done.stdout
    assert "_RECONCILER_COMPLETE" in done.stdout


def test_completion_completes_commands_and_options() -> None:
    def complete(words: str) -> list[str]:
        env = {
            **os.environ,
            "_RECONCILER_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
        }
        done = subprocess.run(
            [sys.executable, "-m", "reconciler"], env=env, capture_output=True, text=True, timeout=60, check=False
        )
        assert done.returncode == 0, done.stderr
        return [line.split(",", 1)[1] for line in done.stdout.splitlines()]

    assert complete("reconciler pl") == ["plan"]
    assert "--no-color" in complete("reconciler verify --")
    assert "--out" in complete("reconciler verify --")
