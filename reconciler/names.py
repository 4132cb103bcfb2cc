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


# GitHub's rules for where a repository lives: an owner login (letters, digits and hyphens,
# not starting with a hyphen, at most 39 characters) and a repository name (letters, digits,
# '.', '_' and '-', at most 100 characters). GitHub refuses the names '.' and '..'; for
# reconciler they matter more than most, since a name becomes a URL path and a file name.
OWNER_PATTERN = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})"
REPOSITORY_NAME_PATTERN = r"(?!\.\.?$)[A-Za-z0-9._-]{1,100}"
OWNER = re.compile(rf"^{OWNER_PATTERN}$")
REPOSITORY_NAME = re.compile(rf"^{REPOSITORY_NAME_PATTERN}$")
SLUG = re.compile(rf"^{OWNER_PATTERN}/{REPOSITORY_NAME_PATTERN}$")
MAX_REPOSITORY_NAME = 100
_NAME_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")


def _owner_reason(value: str) -> str | None:
    if OWNER.match(value):
        return None
    return "a login holds only letters, digits and '-', starts with a letter or digit, and has at most 39 characters"


def _name_reason(value: str) -> str | None:
    if value in (".", ".."):
        return "GitHub refuses '.' and '..' as repository names"
    if not value:
        return "a repository name cannot be empty"
    if len(value) > MAX_REPOSITORY_NAME:
        return f"a repository name has at most {MAX_REPOSITORY_NAME} characters ({len(value)} given)"
    if not REPOSITORY_NAME.match(value):
        return "a repository name holds only letters, digits, '.', '_' and '-'"
    return None


def owner_problem(value: str) -> str | None:
    """Why `value` cannot be a GitHub user or organisation login, or None when it can."""
    reason = _owner_reason(value)
    return None if reason is None else f"{value!r} is not an organisation login: {reason}"


def repository_name_problem(value: str) -> str | None:
    """Why `value` cannot name a repository on GitHub, or None when it can."""
    reason = _name_reason(value)
    return None if reason is None else f"{value!r} is not a repository name: {reason}"


def slug_problem(value: str) -> str | None:
    """Why `value` is not `owner/name` by GitHub's rules, or None when it is."""
    owner, slash, name = value.partition("/")
    reason = (_owner_reason(owner) or _name_reason(name)) if slash else "expected 'owner/name'"
    return None if reason is None else f"{value!r} is not a repository: {reason}"


class UnsafeNameError(ValueError):
    """A name that came from a server and cannot be trusted as a URL path or a file name."""


def checked_full_name(value: object) -> str:
    """`value`, a repository's `full_name` as a server answered it, once it is `owner/name` by
    GitHub's rules; raises UnsafeNameError otherwise. Names from the server become URL paths
    and file names: one holding '..' or '/' must be refused before it is used as either."""
    if not isinstance(value, str):
        raise UnsafeNameError(f"the server answered a repository name that is not text: {value!r}")
    problem = slug_problem(value)
    if problem is not None:
        raise UnsafeNameError(f"the server answered a repository name GitHub would not: {problem}")
    return value


def glob_problem(pattern: str) -> str | None:
    """Why `pattern` is not a glob over repository names (fnmatch's `*`, `?`, `[seq]`,
    `[!seq]` and name characters), or None when it is. fnmatch takes anything, reading an
    unclosed `[` literally; a selector that can never match must be refused, not ignored."""
    if not pattern:
        return "a glob cannot be empty"
    if "/" in pattern or "\\" in pattern:
        return f"{pattern!r} is not a glob on repository names: names have no '/' (the owner is the organisation)"
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "[":
            end = pattern.find("]", index + 2 if pattern[index + 1 : index + 2] == "!" else index + 1)
            if end < 0:
                return f"{pattern!r} is not a valid glob: '[' at {index + 1} is never closed"
            inside = pattern[index + 1 : end].removeprefix("!")
            if not inside:
                return f"{pattern!r} is not a valid glob: an empty '[]' at {index + 1}"
            strange = sorted({c for c in inside if c not in _NAME_CHARACTERS})
            if strange:
                return f"{pattern!r} is not a valid glob: {''.join(strange)!r} cannot be in a repository name"
            index = end + 1
            continue
        if char == "]":
            return f"{pattern!r} is not a valid glob: ']' at {index + 1} closes nothing"
        if char not in _NAME_CHARACTERS and char not in "*?":
            return f"{pattern!r} is not a valid glob: {char!r} cannot be in a repository name"
        index += 1
    return None
