"""``reconciler sandbox reset [--all]``: back to the start of the walk-through, the sandbox's
state and, when asked, the example desired state too."""

from __future__ import annotations

from pathlib import Path

import click

from .cli_support import state_option
from .example_state import EXAMPLE_DIRECTORY, ExampleRestore, UnknownExample, locate_example, restore_example
from .location import state_file_from_env
from .sandbox import Sandbox
from .store import StateFileError

__all__ = ["reset_command"]

_EPILOG = """Examples:

\b
  reconciler sandbox reset          # the sandbox back to its drifted start
  reconciler sandbox reset --all    # that, and the example desired-state/ back as committed
"""


def _reset_state(path: Path) -> None:
    try:
        sandbox = Sandbox(path)
    except StateFileError:
        # Unreadable: nothing in it is worth keeping.
        for part in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            part.unlink(missing_ok=True)
        sandbox = Sandbox(path)
    else:
        # Reset in place rather than delete, so a serve using the file follows along.
        sandbox.reset()
    sandbox.close()


def _example_checkout() -> Path:
    try:
        return locate_example()
    except UnknownExample as exc:
        raise click.ClickException(
            f"--all cannot tell what the shipped example desired state is: {exc}. It restores "
            f"{EXAMPLE_DIRECTORY}/ from the git checkout reconciler is installed from (pip install -e .). "
            "Nothing was changed."
        ) from None


def _report(restore: ExampleRestore) -> str:
    if not (restore.restored or restore.removed):
        return f"Example desired state already as committed ({restore.directory}): nothing restored or removed."
    lines = [f"Example desired state back as committed ({restore.directory}):"]
    lines += [f"  restored {name}" for name in restore.restored]
    lines += [f"  removed  {name}" for name in restore.removed]
    return "\n".join(lines)


@click.command("reset", epilog=_EPILOG)
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help=f"Also put the example {EXAMPLE_DIRECTORY}/ back as the last commit of the checkout reconciler "
    "runs from has it: edited files restored, added ones removed, each one listed.",
)
@state_option
def reset_command(everything: bool, state: Path | None) -> None:
    """Forget every change: back to the seeded, drifted state (and its default grants).

    With --all, the example desired state too. That needs reconciler installed from a git
    checkout of this project (pip install -e .); elsewhere --all refuses and changes nothing."""
    path = state or state_file_from_env()
    # Refuse before changing anything, the sandbox's state included.
    root = _example_checkout() if everything else None
    if root is not None:
        try:
            click.echo(_report(restore_example(root)))
        except UnknownExample as exc:
            raise click.ClickException(f"--all could not restore the example desired state: {exc}") from None
    _reset_state(path)
    click.echo(f"Sandbox state reset ({path}).")
