"""Name comparison rules GitHub applies."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar


class Named(Protocol):
    @property
    def name(self) -> str: ...


NamedT = TypeVar("NamedT", bound=Named)


def fold(name: str) -> str:
    """GitHub compares label, repository, secret and variable names case-insensitively."""
    return name.casefold()


def by_folded_name(items: Iterable[NamedT]) -> dict[str, NamedT]:
    """Items by case-folded name; of two whose names fold alike, the first listed wins."""
    found: dict[str, NamedT] = {}
    for item in items:
        found.setdefault(fold(item.name), item)
    return found
