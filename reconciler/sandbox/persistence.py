"""Opening a state file: SQLite (see ``store``), or a JSON file of an older version, migrated first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .state import SandboxState
from .store import StateFileError, StateStore, is_sqlite_file, migrate_json_file

__all__ = ["StateFileError", "load_state", "open_store"]


def open_store(path: Path, initial: Callable[[], SandboxState]) -> StateStore:
    """The store on ``path``, made from ``initial()`` when the file does not exist yet."""
    if path.exists() and not is_sqlite_file(path):
        migrate_json_file(path)
    return StateStore.open(path, initial)


def load_state(path: Path) -> SandboxState:
    """A copy of the state saved in ``path``, as it is now."""
    if not path.exists():
        raise StateFileError(f"no sandbox state file at {path}")

    def missing() -> SandboxState:
        raise StateFileError(f"{path} holds no sandbox state")

    store = open_store(path, missing)
    try:
        return store.state
    finally:
        store.close()
