"""Where the sandbox keeps its state unless told otherwise. Imports nothing heavy, so the main
CLI can ask without loading the sandbox."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

STATE_VARIABLE = "RECONCILER_SANDBOX_STATE"
# The token `--sandbox` commands send: fixed, so a real token never reaches the sandbox.
# `reconciler sandbox grant` describes this one unless told otherwise.
COMMAND_TOKEN = "sandbox-token"
DEFAULT_STATE_FILE = Path(".reconciler") / "sandbox.sqlite3"
# Where versions before the SQLite store kept their JSON state.
LEGACY_STATE_FILE = Path(".reconciler") / "sandbox-state.json"


def state_file_from_env(env: Mapping[str, str] = os.environ) -> Path:
    """``$RECONCILER_SANDBOX_STATE``, or ``.reconciler/sandbox.sqlite3``.

    A JSON state file an older version left at its default place is moved to the new one
    first; opening it then turns it into SQLite, keeping its state."""
    explicit = env.get(STATE_VARIABLE, "").strip()
    if explicit:
        return Path(explicit)
    if not DEFAULT_STATE_FILE.exists() and LEGACY_STATE_FILE.is_file():
        os.replace(LEGACY_STATE_FILE, DEFAULT_STATE_FILE)
    return DEFAULT_STATE_FILE
