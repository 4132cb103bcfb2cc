"""Small, exact edits to desired-state files, keeping every other byte as the person wrote it.

`reconciler stop` must leave the desired state saying what it did, or the next apply turns
the agent loop back on. A round-trip through a YAML library would reflow lists and quotes;
editing the one line in place does not.
"""

from __future__ import annotations

import re
from pathlib import Path

from reconciler.errors import ReconcilerError


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def set_key_in_item(path: Path, line: int, column: int, key: str, value: str) -> None:
    """Set `key: value` in the block mapping that starts at `line`:`column` (1-based), e.g.
    the `- path: ...` item of a workflow list. Adds the key if the mapping lacks it."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = line - 1
    if start >= len(lines) or _indent(lines[start].replace("- ", "  ", 1)) != column - 1:
        raise ReconcilerError(f"{path}:{line}:{column} is not where the desired state said the item starts")
    if lines[start][column - 1 :].lstrip().startswith("{"):
        raise ReconcilerError(f"{path}:{line}: write `{key}: {value}` in this flow-style item by hand")
    pattern = re.compile(rf"^(\s*(?:-\s+)?){re.escape(key)}\s*:(.*?)(\s+#.*)?$")
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) >= column - 1):
        if lines[end].strip() and _indent(lines[end]) == column - 1 and lines[end].lstrip().startswith("- "):
            break
        end += 1
    for index in range(start, end):
        text = lines[index].rstrip("\n")
        if index != start and _indent(text) != column - 1:
            continue
        key_part = text if index != start else " " * (column - 1) + text[column - 1 :]
        match = pattern.match(key_part)
        if match:
            prefix = text[: len(text) - len(text.lstrip(" "))] if index != start else text[: column - 1]
            comment = match.group(3) or ""
            lines[index] = f"{prefix}{key}: {value}{comment}\n"
            break
    else:
        lines.insert(start + 1, " " * (column - 1) + f"{key}: {value}\n")
    path.write_text("".join(lines), encoding="utf-8")
