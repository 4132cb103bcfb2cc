"""Reading and atomically writing the state file."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .state import SandboxState


class StateFileError(RuntimeError):
    pass


def load_state(path: Path) -> SandboxState:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StateFileError(f"cannot read sandbox state from {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise StateFileError(f"sandbox state file {path} does not hold a JSON object")
    try:
        return SandboxState.from_json(data)
    except (TypeError, ValueError, KeyError) as exc:
        raise StateFileError(f"sandbox state file {path} is not valid: {exc}") from exc


def save_state(state: SandboxState, path: Path) -> None:
    """Write to a temporary file in the same directory, then rename over the old file, so a
    crash mid-write leaves either the old state or the new one, never half of each.

    The state lock is held throughout, so two concurrent saves cannot land out of order and
    leave an older snapshot on disk."""
    with state.lock:
        payload = json.dumps(state.to_json(), indent=1, sort_keys=True, ensure_ascii=False)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
                handle.write("\n")
            os.replace(tmp_name, path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
