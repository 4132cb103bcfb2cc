"""Where `--sandbox` commands keep the sandbox's state, so they see each other's changes."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

SANDBOX_STATE_VARIABLE = "RECONCILER_SANDBOX_STATE"
DEFAULT_SANDBOX_STATE = Path(".reconciler") / "sandbox-state.json"


def sandbox_state_file(env: Mapping[str, str] = os.environ) -> Path:
    return Path(env.get(SANDBOX_STATE_VARIABLE) or DEFAULT_SANDBOX_STATE)
