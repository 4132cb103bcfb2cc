"""Unified diffs of file bodies, for plans that people read before apply writes."""

from __future__ import annotations

import difflib

MAX_DIFF_LINES = 400


def _text(data: bytes | None) -> str:
    return "" if data is None else data.decode("utf-8", errors="replace")


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n\\ No newline at end of file\n"
    # Show a carriage return instead of hiding it: CRLF changes are real changes.
    return [line.replace("\r\n", "␍\n") for line in lines]


def unified_diff(path: str, old: bytes | None, new: bytes | None) -> str:
    """git-style diff from `old` to `new` (None: the file does not exist on that side)."""
    before, after = _text(old), _text(new)
    header = []
    if (
        old is not None
        and new is not None
        and before != after
        and before.replace("\r\n", "\n") == after.replace("\r\n", "\n")
    ):
        header.append("# only line endings differ (␍ marks a carriage return)\n")
    lines = list(
        difflib.unified_diff(
            _lines(before),
            _lines(after),
            fromfile=f"a/{path}" if old is not None else "/dev/null",
            tofile=f"b/{path}" if new is not None else "/dev/null",
        )
    )
    if len(lines) > MAX_DIFF_LINES:
        hidden = len(lines) - MAX_DIFF_LINES
        lines = [*lines[:MAX_DIFF_LINES], f"# … {hidden} more diff lines not shown\n"]
    return "".join(header + lines)
