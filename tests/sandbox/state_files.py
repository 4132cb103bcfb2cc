"""Reading a sandbox state file directly, with SQLite itself rather than through the sandbox."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any


def saved_state(path: Path) -> dict[str, Any]:
    """What the state file holds, read with SQLite itself rather than through the sandbox:
    the JSON of each part, with the repositories as a list (``repos``) as ``to_json`` has it."""
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute("SELECT key, data FROM rows").fetchall()
    saved: dict[str, Any] = {"repos": []}
    for key, data in rows:
        if key.startswith("repo:"):
            saved["repos"].append(json.loads(data))
        else:
            saved[key.removeprefix("state:")] = json.loads(data)
    saved["repos"].sort(key=lambda repo: repo["id"])
    return saved


def saved_bytes(path: Path) -> bytes:
    """Every byte the state file and its write-ahead log hold on disk."""
    parts = (path, path.with_name(path.name + "-wal"))
    return b"".join(part.read_bytes() for part in parts if part.exists())
