"""Labels through GraphQL: the selection inside `repository { ... }` and its reading.

What it reads is exactly what `list_labels` reads over REST: name, colour and description,
in the same order (by case-folded name, as REST lists them, so of two names that fold alike
the same one comes first), every page of them. A repository with more than 100 labels gets
follow-up selections with an `after:` cursor, which the engine batches like the first.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import Field

from reconciler.errors import UnexpectedResponseError
from reconciler.github.parse import Wire, parse
from reconciler.github.port import Call
from reconciler.kinds.base import GraphQLPage
from reconciler.kinds.labels.live import PER_PAGE, LiveLabel

# The response key, under the kind's own name so no other kind's fields collide with it.
KEY = "labels"
_FIELDS = "nodes { name color description } pageInfo { hasNextPage endCursor }"
_CALL = Call("read labels through GraphQL")


def labels_selection(after: str | None = None) -> str:
    """One page of labels, from the start or after a cursor GitHub gave."""
    cursor = f", after: {json.dumps(after)}" if after is not None else ""
    return f"{KEY}: labels(first: {PER_PAGE}{cursor}, orderBy: {{field: NAME, direction: ASC}}) {{ {_FIELDS} }}"


class _Node(Wire):
    name: str
    color: str
    description: str | None = None


class _PageInfo(Wire):
    has_next_page: bool = Field(alias="hasNextPage")
    end_cursor: str | None = Field(default=None, alias="endCursor")


class _Connection(Wire):
    nodes: tuple[_Node, ...]
    page_info: _PageInfo = Field(alias="pageInfo")


def read_labels(answer: Mapping[str, Any], earlier: tuple[LiveLabel, ...] | None) -> GraphQLPage[tuple[LiveLabel, ...]]:
    """This page's labels after the earlier pages', and the selection of the next page."""
    page = parse(_Connection, answer.get(KEY), _CALL, "GraphQL repository.labels")
    labels = (*(earlier or ()), *(LiveLabel(n.name, n.color, n.description) for n in page.nodes))
    info = page.page_info
    if not info.has_next_page:
        return GraphQLPage(labels)
    if not info.end_cursor:
        raise UnexpectedResponseError("GraphQL repository.labels", "a next page without a cursor", _CALL)
    return GraphQLPage(labels, labels_selection(info.end_cursor))
