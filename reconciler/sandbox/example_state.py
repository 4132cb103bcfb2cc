"""The example desired state this project ships, put back as committed: what
``reconciler sandbox reset --all`` does besides forgetting the sandbox's changes.

The example is not copied into the package: git already holds it, so the checkout reconciler
runs from (an editable install) is the one source of truth, and a copy could never drift from
it. Where there is no such checkout (an installed wheel, a copied tree), nothing can say what
"the shipped example" is, and the caller is told so rather than guessing.

Every path git is asked about is limited to ``desired-state/`` of that checkout, and every file
removed is checked to lie inside it: nothing else of the checkout, nor of the user's current
directory, is ever touched.
"""

from __future__ import annotations

import os
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DISTRIBUTION", "EXAMPLE_DIRECTORY", "ExampleRestore", "UnknownExample", "locate_example", "restore_example"]

DISTRIBUTION = "github-reconciler"
EXAMPLE_DIRECTORY = "desired-state"
_GIT_TIMEOUT_SECONDS = 60


class UnknownExample(Exception):
    """There is no checkout of this project to take the shipped example from."""


@dataclass(frozen=True)
class ExampleRestore:
    """What restoring changed, as paths relative to the checkout (``desired-state/...``)."""

    directory: Path
    restored: tuple[str, ...]  # committed files put back: edited or deleted before
    removed: tuple[str, ...]  # files (and directories left empty) that the commit does not have


def _package_checkout() -> Path:
    # reconciler/sandbox/example_state.py -> the directory holding the ``reconciler`` package.
    return Path(__file__).resolve().parents[2]


def _git(root: Path, *args: str) -> str:
    """Run git on ``root`` only: variables such as GIT_DIR or GIT_WORK_TREE (set inside git
    hooks, for instance) would point it at another repository, so none is passed on."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=_GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        raise UnknownExample("git is not installed, and the example is restored from git") from None
    if done.returncode != 0:
        raise UnknownExample(f"git {args[0]} failed in {root}: {done.stderr.strip() or 'no message'}")
    return done.stdout


def _names(output: str) -> list[str]:
    return [name for name in output.split("\0") if name]


def locate_example(checkout: Path | None = None) -> Path:
    """The checkout whose ``desired-state/`` is the shipped example: by default the one this
    package was imported from. Raises ``UnknownExample`` saying why when it is not a git
    checkout of this project with the example committed."""
    root = (checkout or _package_checkout()).resolve()
    pyproject = root / "pyproject.toml"
    try:
        name = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {}).get("name")
    except (OSError, tomllib.TOMLDecodeError):
        name = None
    if name != DISTRIBUTION:
        raise UnknownExample(
            f"reconciler does not run from a checkout of {DISTRIBUTION} ({pyproject} does not name it)"
        )
    try:
        toplevel = Path(_git(root, "rev-parse", "--show-toplevel").strip()).resolve()
    except UnknownExample as exc:
        raise UnknownExample(f"{root} is not a git checkout ({exc})") from None
    if toplevel != root:
        raise UnknownExample(f"{root} is inside the git repository {toplevel}, not a checkout of its own")
    example = root / EXAMPLE_DIRECTORY
    if example.is_symlink():
        # Restoring through a link would write wherever it points.
        raise UnknownExample(f"{example} is a symbolic link")
    if not _names(_git(root, "ls-tree", "-r", "--name-only", "-z", "HEAD", "--", f"{EXAMPLE_DIRECTORY}/")):
        raise UnknownExample(f"the last commit of {root} has no {EXAMPLE_DIRECTORY}/")
    return root


def _remove_untracked(root: Path) -> tuple[list[str], list[str]]:
    """Delete what git does not track under the example, ignored files included (reconciler
    reads them all the same); directories this leaves empty go too."""
    example = (root / EXAMPLE_DIRECTORY).resolve()
    removed: list[str] = []
    emptied: set[Path] = set()
    directories: list[str] = []
    for name in sorted(_names(_git(root, "ls-files", "--others", "-z", "--", f"{EXAMPLE_DIRECTORY}/"))):
        path = root / name
        # git lists a nested repository as "dir/"; git never lists a path through a symlink,
        # but the check costs nothing and is what keeps the promise.
        if name.endswith("/") or not path.parent.resolve().is_relative_to(example):
            raise UnknownExample(f"{name} is not a plain file of the example; remove it by hand")
        path.unlink()
        removed.append(name)
        emptied.add(path.parent)
    for directory in sorted(emptied, key=lambda p: len(p.parts), reverse=True):
        while directory.resolve() != example and directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()
            directories.append(f"{directory.relative_to(root).as_posix()}/")
            directory = directory.parent
    return removed, directories


def restore_example(root: Path) -> ExampleRestore:
    """Put ``desired-state/`` of the checkout ``root`` (from ``locate_example``) back as its
    last commit has it: edited and deleted files restored, staged and untracked ones removed."""
    scope = ("--", f"{EXAMPLE_DIRECTORY}/")
    committed = set(_names(_git(root, "ls-tree", "-r", "--name-only", "-z", "HEAD", *scope)))
    # Against HEAD, not the index: a change only staged is a change all the same.
    differing = _names(_git(root, "diff", "--name-only", "--no-renames", "-z", "HEAD", *scope))
    # --staged too, and restore (unlike checkout) drops staged files the commit does not have.
    _git(root, "restore", "--source=HEAD", "--staged", "--worktree", *scope)
    restored = sorted(name for name in differing if name in committed)
    staged_new = [name for name in differing if name not in committed]
    untracked, emptied = _remove_untracked(root)
    removed = sorted(staged_new + untracked) + emptied
    return ExampleRestore(root / EXAMPLE_DIRECTORY, tuple(restored), tuple(removed))
