"""Where `--sandbox` commands keep the sandbox's state, so they see each other's changes."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def sandbox_state_file(env: Mapping[str, str] = os.environ) -> Path:
    """``$RECONCILER_SANDBOX_STATE`` or the sandbox's default; the sandbox decides, and its
    ``location`` module is loaded only here, so commands without --sandbox never load it."""
    from reconciler.sandbox.location import state_file_from_env

    return state_file_from_env(env)
