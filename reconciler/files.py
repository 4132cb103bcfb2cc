"""Writing files so a reader never sees half of one, and never a secret."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from reconciler.redaction import redact


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write `content` (text as UTF-8) to `path` through a temporary file renamed over it, so a
    crash mid-write leaves the old file or the new one, never part of each.

    Text is what reconciler made (plans, reports, desired state, caches) and passes through
    `redact`, so no registered secret reaches a file however the text was built. Bytes are
    copies (workflow bodies import writes byte for byte) and are written as they are.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    # In the same directory: a rename across file systems would not be atomic.
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if isinstance(content, bytes):
            with os.fdopen(fd, "wb") as binary:
                binary.write(content)
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as text:
                text.write(redact(content))
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
