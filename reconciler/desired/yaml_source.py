"""Reading YAML while keeping where every value came from.

ruamel.yaml's round-trip loader records the line and column of every key and item. We keep
that tree next to the plain data we validate, so that any error (pydantic's or our own) can
be reported as file:line:column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from reconciler.desired.yaml_limits import YamlLimitExceeded, bounded_yaml, read_bounded
from reconciler.errors import Problem

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class SourceRef:
    """A position in a desired-state file (1-based line and column)."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class YamlDocument:
    """A parsed file: plain data for validation, plus the ruamel tree for positions."""

    path: Path
    display: str
    tree: Any
    data: Any

    def ref(self, loc: Loc, *, key: bool = False) -> SourceRef:
        line, column = locate(self.tree, loc, key=key)
        return SourceRef(self.display, line, column)

    def raw_text(self, ref: SourceRef) -> str:
        """The scalar as written at `ref`, for messages about values YAML converted."""
        try:
            line = self.path.read_text(encoding="utf-8").splitlines()[ref.line - 1]
        except (OSError, IndexError):
            return ""
        token = line[ref.column - 1 :].split(" #", 1)[0].strip()
        return token.rstrip(",]}").strip()

    def problem(self, loc: Loc, message: str, *, key: bool = False, severity: str = "error") -> Problem:
        ref = self.ref(loc, key=key)
        return Problem(ref.file, ref.line, ref.column, format_loc(loc), message, severity)


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def parse_yaml(path: Path) -> YamlDocument | Problem:
    """Parse one file, or explain exactly where its syntax is wrong or a limit is exceeded
    (yaml_limits: size, depth, aliases)."""
    display = display_path(path)
    try:
        text = read_bounded(path)
        yaml = bounded_yaml("rt")
        yaml.allow_duplicate_keys = False
        tree = yaml.load(text)
    except YamlLimitExceeded as exc:
        return Problem(display, exc.line, exc.column, "", exc.message)
    except UnicodeDecodeError as exc:
        return Problem(display, 1, 1, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")
    except OSError as exc:
        return Problem(display, 1, 1, "", f"cannot read: {exc.strerror}")
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        message = f"YAML syntax error: {exc.problem or exc}"
        context = exc.context_mark
        if exc.context and context is not None and context is not mark:
            message += f" ({exc.context} that starts at {context.line + 1}:{context.column + 1})"
        return Problem(display, line, column, "", message)
    except YAMLError as exc:
        return Problem(display, 1, 1, "", f"YAML syntax error: {exc}")
    return YamlDocument(path=path, display=display, tree=tree, data=to_plain(tree))


def to_plain(node: Any) -> Any:
    """Strip ruamel's wrapper types so validation sees ordinary Python values."""
    if isinstance(node, Mapping):
        return {to_plain(k): to_plain(v) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [to_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, str):
        return str(node)
    if isinstance(node, int):
        # ruamel's ScalarBoolean is an int subclass; keep booleans booleans.
        if type(node).__name__ == "ScalarBoolean":
            return bool(node)
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


def locate(tree: Any, loc: Sequence[str | int], *, key: bool = False) -> tuple[int, int]:
    """Best position for `loc` in the tree: the deepest part that exists.

    A missing key points at the mapping that should hold it; `key=True` points at the key
    itself rather than its value (for unknown keys).
    """
    line, column = _own_position(tree)
    node = tree
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(node, CommentedMap) and not isinstance(part, int) and part in node:
            pos = _map_position(node, part, want_key=key and last)
            if pos is not None:
                line, column = pos
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            try:
                item_line, item_column = node.lc.item(part)
                line, column = item_line + 1, item_column + 1
            except (KeyError, IndexError, TypeError):
                pass
            node = node[part]
        else:
            break
    return line, column


def _own_position(node: Any) -> tuple[int, int]:
    lc = getattr(node, "lc", None)
    if lc is not None and lc.line is not None:
        return lc.line + 1, lc.col + 1
    return 1, 1


def _map_position(node: CommentedMap, part: str | int, *, want_key: bool) -> tuple[int, int] | None:
    try:
        found = node.lc.key(part) if want_key else node.lc.value(part)
    except (KeyError, TypeError):
        # Keys merged in through `<<: *anchor` have no position of their own here.
        return None
    return found[0] + 1, found[1] + 1


def format_loc(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
