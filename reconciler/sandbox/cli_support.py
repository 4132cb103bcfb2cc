"""What the sandbox's commands share: the ``--state`` option, and opening the state file with
errors a user can act on."""

from __future__ import annotations

from pathlib import Path

import click

from .location import STATE_VARIABLE, state_file_from_env
from .sandbox import Sandbox
from .store import StateFileError

__all__ = ["command_name", "open_sandbox", "state_option"]

state_option = click.option(
    "--state",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help=f"State file (default: ${STATE_VARIABLE}, or .reconciler/sandbox.sqlite3).",
)


def command_name(name: str) -> str:
    """How the user reaches one of this group's commands (``reconciler sandbox reset``)."""
    ctx = click.get_current_context(silent=True)
    parent = ctx.parent if ctx is not None else None
    return f"{parent.command_path if parent is not None else 'reconciler sandbox'} {name}"


def open_sandbox(state: Path | None) -> Sandbox:
    path = state or state_file_from_env()
    try:
        return Sandbox(path)
    except StateFileError as exc:
        raise click.ClickException(f"{exc}. Remove it, or run: {command_name('reset')}") from None
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
