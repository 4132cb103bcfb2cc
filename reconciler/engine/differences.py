"""What changed in a repository's effective desired state between two versions of the files,
in words: `limits.max_issues: 3 → 1`, `labels.items.bug: added`.

`plan --changed-only` prints it for each repository it plans, so a pull request's plan says
why a repository is in it. deepdiff computes the structural difference of the two JSON
values (items are keyed by their identity, so paths read as names, not list positions).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Differences named per repository; the rest are counted.
SHOWN = 3


def differences(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[str]:
    """Each difference as `path: old → new`, `path: added` or `path: removed`, in path order."""
    if before is None:
        return ["new in the desired state"]
    # Imported here: deepdiff takes a tenth of a second to load, and only --changed-only needs it.
    from deepdiff import DeepDiff

    found: list[tuple[str, str]] = []
    tree = DeepDiff(dict(before), dict(after), view="tree")
    for report, items in tree.items():
        for item in items:
            path = _path(item.path(output_format="list"))
            if report.endswith("_added"):
                found.append((path, f"{path}: added"))
            elif report.endswith("_removed"):
                found.append((path, f"{path}: removed"))
            else:
                found.append((path, f"{path}: {_shown(item.t1)} → {_shown(item.t2)}"))
    return [text for _, text in sorted(found)]


def summary(found: list[str]) -> str:
    shown = "; ".join(found[:SHOWN])
    more = len(found) - SHOWN
    return f"{shown}; and {more} more" if more > 0 else shown


def _path(parts: list[Any]) -> str:
    """`labels.items[priority:high].color`: names as they are, keys that are not names in brackets."""
    text = ""
    for part in parts:
        plain = isinstance(part, str) and part.isidentifier()
        text += (f".{part}" if text else part) if plain else f"[{part}]"
    return text


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
