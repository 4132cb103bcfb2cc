"""Git object ids, computed the way git does, so files compare without downloads."""

from __future__ import annotations

import hashlib


def blob_sha(data: bytes) -> str:
    """The id git (and GitHub's contents API `sha`) gives these exact bytes."""
    header = b"blob %d\0" % len(data)
    return hashlib.sha1(header + data, usedforsecurity=False).hexdigest()
