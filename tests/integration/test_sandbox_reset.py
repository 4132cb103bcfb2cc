"""`reconciler sandbox reset [--all]`: the sandbox's state, and with --all the example desired
state as the checkout reconciler runs from has committed it.

Each test runs reconciler from a copy of this project (its package, pyproject.toml and
desired-state/), made a git repository of its own in a temporary directory, so the copy is the
checkout --all finds from the package's location and the real checkout is never touched."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reconciler.sandbox import Sandbox
from reconciler.sandbox.persistence import load_state

ROOT = Path(__file__).resolve().parents[2]
PACK = "desired-state/packs/sovereign-autonomy.yml"
HANDBOOK = "desired-state/repositories/operations-handbook.yml"


def git(cwd: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    command = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=True).stdout


def project_copy(into: Path, *, pyproject: bool = True, example: bool = True) -> Path:
    """This project's package (and pyproject.toml, desired-state/ unless told otherwise) in
    ``into``, where `python -m reconciler` run from it imports this copy."""
    shutil.copytree(ROOT / "reconciler", into / "reconciler", ignore=shutil.ignore_patterns("__pycache__"))
    if pyproject:
        shutil.copy2(ROOT / "pyproject.toml", into / "pyproject.toml")
    if example:
        shutil.copytree(ROOT / "desired-state", into / "desired-state")
    return into


def committed(checkout: Path) -> Path:
    git(checkout, "init", "-q")
    git(checkout, "add", "--all")
    git(checkout, "commit", "-qm", "the project as shipped")
    return checkout


def reset(checkout: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GH_", "RECONCILER_", "GIT_"))}
    env["PYTHONPATH"] = str(checkout)  # the copy, ahead of the editable install of the real checkout
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "reconciler",
            "sandbox",
            "reset",
            *args,
            "--state",
            str(checkout.parent / "state.sqlite3"),
        ],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def spend_rate_limit(state: Path) -> None:
    """A change to the sandbox's state that a reset forgets."""
    sandbox = Sandbox(state)
    try:
        sandbox.set_rate_limit(remaining=0)
    finally:
        sandbox.close()


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def edit_the_example(checkout: Path) -> None:
    """What a walk-through leaves: an edited file, a deleted one, added ones (one staged, one
    in a new directory), and a file next to the example that is not part of it."""
    with (checkout / PACK).open("a", encoding="utf-8") as handle:
        handle.write("# edited during the walk-through\n")
    (checkout / HANDBOOK).unlink()
    (checkout / "desired-state/repositories/onboarded.yml").write_text("repository: x/y\n", encoding="utf-8")
    (checkout / "desired-state/repositories/staged.yml").write_text("repository: x/z\n", encoding="utf-8")
    git(checkout, "add", "desired-state/repositories/staged.yml")
    (checkout / "desired-state/platform").mkdir()
    (checkout / "desired-state/platform/more.yml").write_text("repository: x/w\n", encoding="utf-8")
    (checkout / "notes.yml").write_text("mine, not the example's\n", encoding="utf-8")


def test_all_restores_edited_and_deleted_files_and_removes_added_ones(tmp_path: Path) -> None:
    checkout = committed(project_copy(tmp_path / "checkout"))
    shipped = snapshot(checkout / "desired-state")
    edit_the_example(checkout)
    spend_rate_limit(checkout.parent / "state.sqlite3")

    done = reset(checkout, "--all")

    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        f"Example desired state back as committed ({checkout / 'desired-state'}):\n"
        f"  restored {PACK}\n"
        f"  restored {HANDBOOK}\n"
        "  removed  desired-state/platform/more.yml\n"
        "  removed  desired-state/repositories/onboarded.yml\n"
        "  removed  desired-state/repositories/staged.yml\n"
        "  removed  desired-state/platform/\n"
        f"Sandbox state reset ({checkout.parent / 'state.sqlite3'}).\n"
    )
    assert snapshot(checkout / "desired-state") == shipped
    assert git(checkout, "status", "--porcelain", "--untracked-files=all") == "?? notes.yml\n"
    assert (checkout / "notes.yml").read_text(encoding="utf-8") == "mine, not the example's\n"
    assert load_state(checkout.parent / "state.sqlite3").rate_limit.forced is None

    again = reset(checkout, "--all")
    assert again.returncode == 0, again.stderr
    assert "nothing restored or removed" in again.stdout.splitlines()[0]


def test_without_all_the_desired_state_is_left_as_it_is(tmp_path: Path) -> None:
    checkout = committed(project_copy(tmp_path / "checkout"))
    edit_the_example(checkout)
    edited = snapshot(checkout / "desired-state")
    spend_rate_limit(checkout.parent / "state.sqlite3")

    done = reset(checkout)

    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Sandbox state reset ({checkout.parent / 'state.sqlite3'}).\n"
    assert snapshot(checkout / "desired-state") == edited
    assert load_state(checkout.parent / "state.sqlite3").rate_limit.forced is None


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        ("an installed package: no pyproject.toml beside it", "does not name it"),
        ("a copy of the project that is not a git checkout", "is not a git checkout"),
        ("a git checkout without the example committed", "has no desired-state/"),
        ("a checkout of another project", "does not name it"),
    ],
)
def test_all_refuses_outside_a_checkout_of_this_project_and_changes_nothing(
    tmp_path: Path, where: str, reason: str
) -> None:
    tree = project_copy(tmp_path / "tree", pyproject=not where.startswith("an installed"))
    if where == "a git checkout without the example committed":
        shutil.move(tree / "desired-state", tmp_path / "aside")
        committed(tree)
        shutil.move(tmp_path / "aside", tree / "desired-state")
    if where == "a checkout of another project":
        pyproject = tree / "pyproject.toml"
        pyproject.write_text(pyproject.read_text(encoding="utf-8").replace('"github-reconciler"', '"other"', 1))
        committed(tree)
    (tree / PACK).write_text("# edited\n", encoding="utf-8")
    (tree / "desired-state/repositories/onboarded.yml").write_text("repository: x/y\n", encoding="utf-8")
    before = snapshot(tree / "desired-state")
    spend_rate_limit(tmp_path / "state.sqlite3")

    done = reset(tree, "--all")

    assert done.returncode == 1, where
    assert done.stdout == ""
    assert "--all cannot tell what the shipped example desired state is" in done.stderr
    assert reason in done.stderr
    assert "Nothing was changed." in done.stderr
    assert snapshot(tree / "desired-state") == before
    assert load_state(tmp_path / "state.sqlite3").rate_limit.forced is not None
