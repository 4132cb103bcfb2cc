"""Connections (``labels(first: 100, after: ...)``): GitHub's pagination rules and opaque cursors.

GitHub checks a connection's bounds when it resolves the field, so a bad ``first`` nulls that
field with an error on its path while the rest of the query answers. ``first``/``last`` are
needed only to list (``nodes``/``edges``); ``totalCount`` alone needs neither.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from graphql import FieldNode, FragmentSpreadNode, GraphQLResolveInfo, InlineFragmentNode, SelectionSetNode

from .errors import GitHubError

T = TypeVar("T")
MAX_PAGE = 100
CURSOR_PREFIX = "cursor:v2:"
SortKey = tuple[Any, ...]


@dataclass(frozen=True)
class Edge(Generic[T]):
    cursor: str
    node: T


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a connection, what ``LabelConnection`` and its kin resolve to."""

    edges: list[Edge[T]]
    total: int
    has_next: bool
    has_previous: bool

    @property
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


@dataclass(frozen=True)
class Order:
    """How a connection is sorted: ``name`` goes into cursors, so a cursor from one order is
    refused by another instead of silently skipping items."""

    name: str
    key: Callable[[Any], SortKey]
    descending: bool = False


def encode_cursor(order: str, key: SortKey) -> str:
    payload = json.dumps([order, *key], separators=(",", ":"))
    return base64.b64encode((CURSOR_PREFIX + payload).encode()).decode()


def decode_cursor(cursor: str, order: str, sample: SortKey | None) -> SortKey:
    """The sort key a cursor holds; ``sample`` (any item's key) shows the shape it must have."""
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        if not text.startswith(CURSOR_PREFIX):
            raise ValueError(cursor)
        decoded = json.loads(text.removeprefix(CURSOR_PREFIX))
    except (ValueError, UnicodeError, binascii.Error):
        decoded = None
    key = tuple(decoded[1:]) if isinstance(decoded, list) and decoded and decoded[0] == order else None
    if key is None or (sample is not None and [type(k) for k in key] != [type(k) for k in sample]):
        raise GitHubError("INVALID_CURSOR_ARGUMENTS", f"`{cursor}` does not appear to be a valid cursor.")
    return key


def lists_items(info: GraphQLResolveInfo) -> bool:
    """Whether this connection field selects ``nodes`` or ``edges`` (through fragments too)."""
    pending: list[SelectionSetNode] = [n.selection_set for n in info.field_nodes if n.selection_set is not None]
    seen: set[str] = set()
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode) and selection.name.value in ("nodes", "edges"):
                return True
            if isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                seen.add(selection.name.value)
                fragment = info.fragments.get(selection.name.value)
                if fragment is not None:
                    pending.append(fragment.selection_set)
    return False


def page_size(args: dict[str, Any], field: str, *, needed: bool) -> None:
    """Refuse missing or excessive ``first``/``last`` as GitHub does."""
    first, last = args.get("first"), args.get("last")
    if needed and first is None and last is None:
        raise GitHubError(
            "MISSING_PAGINATION_BOUNDARIES",
            f"You must provide a `first` or `last` value to properly paginate the `{field}` connection.",
        )
    for name, value in (("first", first), ("last", last)):
        if value is not None and value > MAX_PAGE:
            raise GitHubError(
                "EXCESSIVE_PAGINATION",
                f"Requesting {value} records on the `{field}` connection exceeds "
                f"the `{name}` limit of {MAX_PAGE} records.",
            )


def paginate(items: Sequence[T], order: Order, args: dict[str, Any], field: str, info: GraphQLResolveInfo) -> Page[T]:
    """Relay's algorithm over ``items`` sorted by ``order``: cut at ``after``/``before``,
    then take ``first``, then ``last``. Negative sizes count as 0, as graphql-ruby does."""
    page_size(args, field, needed=lists_items(info))
    ordered = sorted(items, key=order.key, reverse=order.descending)
    keyed = [(order.key(item), item) for item in ordered]

    def comes_after(key: SortKey, bound: SortKey) -> bool:
        return key < bound if order.descending else key > bound

    sample = keyed[0][0] if keyed else None
    start, end = 0, len(keyed)
    if args.get("after") is not None:
        bound = decode_cursor(args["after"], order.name, sample)
        start = next((i for i, (key, _) in enumerate(keyed) if comes_after(key, bound)), end)
    if args.get("before") is not None:
        bound = decode_cursor(args["before"], order.name, sample)
        end = max(start, next((i for i, (key, _) in enumerate(keyed) if not comes_after(bound, key)), end))
    first, last = args.get("first"), args.get("last")
    low, high = start, end
    if first is not None:
        high = min(high, low + max(0, first))
    if last is not None:
        low = max(low, high - max(0, last))
    edges = [Edge(encode_cursor(order.name, key), item) for key, item in keyed[low:high]]
    has_next = high < end if first is not None else (args.get("before") is not None and end < len(keyed))
    has_previous = low > start if last is not None else (args.get("after") is not None and start > 0)
    return Page(edges, len(keyed), has_next, has_previous)
