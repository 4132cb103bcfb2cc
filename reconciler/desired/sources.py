"""Files that desired state copies into repositories (workflow bodies), read and checked once.

A source is read when the desired state is loaded, so planning never touches the disk and a
missing or broken source is a validation error, not a failed apply. What makes a source
valid is the block's business: it hands in its own check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reconciler.desired.yaml_source import SourceRef
from reconciler.errors import Problem

# The rules a source file must meet, e.g. "a workflow GitHub would run"; its problems name the file.
SourceCheck = Callable[[Path, bytes], list[Problem]]


@dataclass
class SourceFiles:
    """Reads each source file once, however many repositories use it."""

    root: Path
    _seen: dict[Path, tuple[bytes | None, list[Problem]]] = field(default_factory=dict)

    def read(
        self, source: str, used_at: SourceRef, loc: str, check: SourceCheck | None = None
    ) -> tuple[bytes | None, list[Problem]]:
        path = (self.root / source).resolve()
        if not path.is_relative_to(self.root.resolve()):
            return None, [_problem(used_at, loc, f"{source!r} is outside the desired-state directory")]
        if path not in self._seen:
            self._seen[path] = self._load(path, check)
        content, problems = self._seen[path]
        if content is None and not problems:
            return None, [_problem(used_at, loc, f"source {source!r} does not exist under {self.root}")]
        return content, problems

    def _load(self, path: Path, check: SourceCheck | None) -> tuple[bytes | None, list[Problem]]:
        if not path.is_file():
            return None, []
        data = path.read_bytes()
        return data, (check(path, data) if check is not None else [])


def _problem(ref: SourceRef, loc: str, message: str) -> Problem:
    return Problem(ref.file, ref.line, ref.column, loc, message)
