"""Name comparison rules GitHub applies."""

from __future__ import annotations


def fold(name: str) -> str:
    """GitHub compares label, repository, secret and variable names case-insensitively."""
    return name.casefold()
