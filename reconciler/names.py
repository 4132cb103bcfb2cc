"""GitHub's rules for names: how it compares them, and which it accepts."""

from __future__ import annotations

import re
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


# GitHub's rule for Actions secret and variable names. The lookahead keeps the rule
# case-insensitive, as GitHub compares these names.
ACTIONS_NAME = re.compile(r"^(?![Gg][Ii][Tt][Hh][Uu][Bb]_)[A-Za-z_][A-Za-z0-9_]*$")


def actions_name_problem(value: str, what: str) -> str | None:
    """Why `value` cannot name an Actions secret or variable on GitHub, or None when it can."""
    if not value:
        return f"{what} names cannot be empty"
    if value[0].isdigit():
        return f"{value!r} is not a valid {what} name: it must not start with a digit"
    if value.upper().startswith("GITHUB_"):
        return f"{value!r} is not a valid {what} name: the GITHUB_ prefix is reserved by GitHub"
    if not ACTIONS_NAME.match(value):
        return f"{value!r} is not a valid {what} name: only letters, digits and underscores are allowed"
    return None
