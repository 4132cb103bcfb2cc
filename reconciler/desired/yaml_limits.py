"""Limits on what a YAML file may ask of the loader, checked while it is read.

A desired-state file is input from a person or a pull request, and a workflow file may come
from a server: either can be hostile. Three kinds of file would otherwise hang or crash the
loader: one nested thousands of levels deep (Python's recursion limit, a trace), a "billion
laughs" of aliases that each expand to ten of the one before (memory and minutes), and one so
large that reading it takes minutes. Each is refused with the line where the limit was hit.

Depth and aliases are checked by the composer, as each node is built: nothing is expanded,
an alias costs what the node it names holds (itself counted once, when it was built), and the
file is read once. The budget is for the file as pydantic would see it, with every alias
expanded, so a legitimate anchor reused a few hundred times passes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.events import AliasEvent, MappingStartEvent, SequenceStartEvent
from ruamel.yaml.nodes import MappingNode, SequenceNode

# A desired-state document is a few levels deep (entry, block, items, item); workflows a few
# more. Far below Python's recursion limit, whatever reads the tree afterwards.
MAX_DEPTH = 64
# Nodes that aliases (`*name`, `<<: *name`) may add to one file once expanded.
MAX_ALIAS_NODES = 100_000
# About 6,000 imported repository entries in one file; reading one takes about 20 seconds.
MAX_FILE_BYTES = 4 * 1024 * 1024


class YamlLimitExceeded(Exception):
    """A file asked more of the loader than the limits allow, at a 1-based line and column."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


def _at(mark: Any, message: str) -> YamlLimitExceeded:
    return YamlLimitExceeded(mark.line + 1, mark.column + 1, message)


class _BoundedComposer(Composer):
    """ruamel's composer, counting as it goes: open collections, and each node's size and
    height (with aliases expanded), so an alias is judged by the node it names."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self._open = 0
        self._alias_nodes = 0
        # id(node) → (nodes, height) of every node built so far; a node under construction
        # is missing, which is how an alias to a node that contains it is found.
        self._measured: dict[int, tuple[int, int]] = {}

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent):
            node = super().compose_node(parent, index)
            self._count_alias(event, node)
            return node
        collection = isinstance(event, SequenceStartEvent | MappingStartEvent)
        if collection:
            if self._open >= MAX_DEPTH:
                raise _at(event.start_mark, f"nested more than {MAX_DEPTH} levels deep, the most reconciler reads")
            self._open += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            if collection:
                self._open -= 1
        self._measured[id(node)] = self._measure(node)
        return node

    def _count_alias(self, event: Any, node: Any) -> None:
        measured = self._measured.get(id(node))
        if measured is None:
            raise _at(event.start_mark, f"the alias *{event.anchor} is inside the node it names, so it never ends")
        nodes, height = measured
        self._alias_nodes += nodes
        if self._alias_nodes > MAX_ALIAS_NODES:
            raise _at(
                event.start_mark,
                f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes in this file "
                f"(*{event.anchor} alone is {nodes:,}); write the values out, or use fewer aliases",
            )
        if self._open + height > MAX_DEPTH:
            raise _at(
                event.start_mark,
                f"the alias *{event.anchor} nests its node more than {MAX_DEPTH} levels deep, "
                "the most reconciler reads",
            )

    def _measure(self, node: Any) -> tuple[int, int]:
        if isinstance(node, MappingNode):
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, SequenceNode):
            children = node.value
        else:
            return 1, 0
        nodes, height = 1, 0
        for child in children:
            child_nodes, child_height = self._measured[id(child)]
            nodes += child_nodes
            height = max(height, child_height)
        return nodes, height + 1


def bounded_yaml(typ: str) -> YAML:
    """A ruamel loader (`rt` or `safe`) that raises YamlLimitExceeded past the limits.

    Always the pure-Python one: libyaml's composer, which ruamel uses when it is installed,
    cannot count.
    """
    yaml = YAML(typ=typ, pure=True)
    yaml.Composer = _BoundedComposer
    return yaml


def read_bounded(path: Path) -> str:
    """The file's text, refusing one larger than MAX_FILE_BYTES before reading the rest.

    Raises OSError and UnicodeDecodeError as `Path.read_text` does.
    """
    with path.open("rb") as file:
        data = file.read(MAX_FILE_BYTES + 1)
    return decode_bounded(data)


def decode_bounded(data: bytes) -> str:
    """UTF-8 text of `data`, refusing more than MAX_FILE_BYTES at the line where it is crossed."""
    if len(data) > MAX_FILE_BYTES:
        head = data[:MAX_FILE_BYTES]
        line = head.count(b"\n") + 1
        column = MAX_FILE_BYTES - (head.rfind(b"\n") + 1) + 1
        raise YamlLimitExceeded(
            line, column, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB, the most reconciler reads in one file"
        )
    return data.decode("utf-8")
