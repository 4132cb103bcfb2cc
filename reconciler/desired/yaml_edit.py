"""Editing a desired-state entry in place, in a ruamel round-trip tree, for `reconciler import`.

A person's comments, key order and quoting survive: items are added or changed where they
are, a new block enters the tree complete, and the comment lines after a block stay with
what they describe. Each kind's importer says what to write; this module knows only YAML.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken


def quoted(value: str) -> Any:
    """Text written in double quotes, so YAML never reads `123456` or `true` as anything else."""
    return DoubleQuotedScalarString(value)


def shared(holder: Any) -> str | None:
    """The anchor of `holder`, its items or any one item, or None."""
    if not isinstance(holder, CommentedMap):
        return anchor(holder)
    items = holder.get("items")
    nodes = [holder, items, *(items.values() if isinstance(items, CommentedMap) else items or ())]
    return next((name for name in map(anchor, nodes) if name is not None), None)


def anchor(node: Any) -> str | None:
    """The anchor of a container other entries may share (`&name` ... `*name`), or None."""
    found = getattr(node, "anchor", None)
    value = getattr(found, "value", None) if found is not None else None
    return str(value) if value else None


class Items:
    """The `items` of one block of an entry (a list, or a mapping with `mapping=True`), edited
    in place.

    Additions are collected and attached in one go when done, so a block that did not exist
    enters the tree complete, and ruamel's trailing comments can be moved past it correctly.
    A mapping's additions are (key, value) pairs.
    """

    def __init__(self, entry: CommentedMap, block: str, *, mapping: bool = False) -> None:
        self.entry, self.block = entry, block
        self.kind: type[Any] = CommentedMap if mapping else CommentedSeq
        self.pending: list[Any] = []
        holder = entry.get(block)
        self.existing: Any = holder.get("items") if isinstance(holder, CommentedMap) else None
        # Validation accepted the file, so any other shape is a null block.
        self.editable = holder is None or isinstance(holder, CommentedMap)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.existing if self.existing is not None else ())

    def add(self, item: Any) -> None:
        self.pending.append(item)

    def done(self) -> None:
        if not self.pending or not self.editable:
            return
        if self.existing is None:
            holder = self.entry.get(self.block)
            items = self.kind(self.pending)
            if isinstance(holder, CommentedMap):
                add_key(holder, "items", items)
            elif self.block in self.entry:
                self.entry[self.block] = CommentedMap([("items", items)])
            else:
                add_key(self.entry, self.block, CommentedMap([("items", items)]))
            return
        if len(self.existing) == 0 and self.existing.fa.flow_style():
            # `items: []` would otherwise grow as one long flow-style line.
            self.existing.fa.set_block_style()
        for item in self.pending:
            if isinstance(self.existing, CommentedMap):
                add_key(self.existing, item[0], item[1])
            else:
                append(self.existing, item)


# ---------------------------------------------------------------------------------------
# Keeping comments where a person put them.
#
# ruamel attaches the comment lines that follow a block (often about the next key, or the
# next entry) to the last scalar inside it. Appending after that scalar would put the new
# item below those lines, away from what they describe; so they move to the new last item.


def _last_slot(node: Any) -> tuple[Any, Any, int] | None:
    """Where ruamel keeps the comment after `node`: a container, a key in it and a position."""
    if isinstance(node, CommentedMap) and not node.fa.flow_style():
        own = [key for key, _ in node.non_merged_items()]
        if own:
            return _last_slot(node[own[-1]]) or (node, own[-1], 2)
    if isinstance(node, CommentedSeq) and not node.fa.flow_style() and len(node):
        return _last_slot(node[-1]) or (node, len(node) - 1, 0)
    return None


def _take_trailing(node: Any) -> str | None:
    slot = _last_slot(node)
    if slot is None:
        return None
    container, key, position = slot
    held = container.ca.items.get(key)
    token = held[position] if held is not None and len(held) > position else None
    if token is None:
        return None
    # The first line is the end-of-line comment of the last value: it stays with that value.
    head, _, tail = str(token.value).partition("\n")
    if not tail:
        return None
    if head.strip():
        token.value = head + "\n"
    else:
        held[position] = None
    return "\n" + tail


def _give_trailing(node: Any, text: str) -> None:
    slot = _last_slot(node)
    if slot is None:
        return
    container, key, position = slot
    held = container.ca.items.setdefault(key, [None, None, None, None] if position == 2 else [None, None])
    held[position] = CommentToken(text, CommentMark(0), None)


def append(items: CommentedSeq, item: Any) -> None:
    """Append to a list, keeping the comment lines that followed it after it."""
    trailing = _take_trailing(items)
    items.append(item)
    if trailing is not None:
        _give_trailing(items, trailing)


def add_key(mapping: CommentedMap, key: str, value: Any) -> None:
    """Add a key at the end of a mapping, keeping the comment lines that followed it after it."""
    trailing = _take_trailing(mapping)
    mapping[key] = value
    if trailing is not None:
        _give_trailing(mapping, trailing)
