"""What a query costs, before it runs: GitHub's published arithmetic.

* Requests: every connection (a ``...Connection`` field paged with ``first``/``last``) needs
  one request per node of the connections above it; ``first``/``last`` of nested connections
  multiply through. Cost: the requests divided by 100, rounded, and at least 1.
* Nodes: the same products summed; a query may ask for at most 500,000, or GitHub refuses it
  whole (``MAX_NODE_LIMIT_EXCEEDED``) before running any of it.

A query that asks only for ``rateLimit`` costs nothing: GitHub leaves ``used`` untouched by it
(measured against the live API by others; the documented minimum of 1 is for queries that read
data). ``secondary_points`` is the separate per-minute count: 1 for a query, 5 for a mutation.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    parse,
    validate,
)
from graphql.execution.values import get_argument_values

from .schema import served_schema

NODE_LIMIT = 500_000
FREE_FIELDS = frozenset({"rateLimit", "__typename"})
QUERY_POINTS, MUTATION_POINTS = 1, 5


@dataclass
class QueryCost:
    requests: int = 0
    nodes: int = 0
    free: bool = False
    # GitHub names the connection at which the running count of nodes went over the limit.
    over_limit_at: tuple[str, int] | None = None

    @property
    def points(self) -> int:
        if self.free:
            return 0
        # Ruby's round: halves go up.
        return max(1, (self.requests * 2 + 100) // 200)

    def node_limit_message(self) -> str | None:
        if self.over_limit_at is None:
            return None
        name, count = self.over_limit_at
        return (
            f"By the time this query traverses to the {name} connection, it is requesting up to "
            f"{count:,} possible nodes which exceeds the maximum limit of {NODE_LIMIT:,}."
        )


@dataclass
class _Walk:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: dict[str, Any]
    cost: QueryCost = field(default_factory=QueryCost)

    def selections(self, selection_sets: list[SelectionSetNode], parent: GraphQLNamedType, multiplier: int) -> None:
        groups: dict[str, list[tuple[FieldNode, GraphQLField]]] = {}
        for selection_set in selection_sets:
            self.collect(selection_set, parent, groups, set())
        for items in groups.values():
            node, definition = items[0]
            below = [n.selection_set for n, _ in items if n.selection_set is not None]
            inner = multiplier
            if is_connection(definition):
                args = get_argument_values(definition, node, self.variables)
                size = args.get("first") if args.get("first") is not None else args.get("last")
                inner = multiplier * max(0, size or 0)
                self.cost.requests += multiplier
                self.cost.nodes += inner
                if self.cost.nodes > NODE_LIMIT and self.cost.over_limit_at is None:
                    self.cost.over_limit_at = (node.name.value, self.cost.nodes)
            if below:
                self.selections(below, get_named_type(definition.type), inner)

    def collect(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType,
        groups: dict[str, list[tuple[FieldNode, GraphQLField]]],
        spread: set[str],
    ) -> None:
        """Fields by response key, through fragments, as the executor will merge them."""
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                fields = parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else {}
                definition = fields.get(selection.name.value)
                if definition is not None:  # introspection and __typename cost nothing
                    groups.setdefault((selection.alias or selection.name).value, []).append((selection, definition))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                self.collect(selection.selection_set, target or parent, groups, spread)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in spread:
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    spread.add(selection.name.value)
                    target = self.schema.get_type(fragment.type_condition.name.value)
                    self.collect(fragment.selection_set, target or parent, groups, spread)


def is_connection(definition: GraphQLField) -> bool:
    return get_named_type(definition.type).name.endswith("Connection") and "first" in definition.args


def query_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
) -> QueryCost:
    """The cost of a validated operation with coerced variables."""
    root = schema.get_root_type(operation.operation)
    walk = _Walk(schema, fragments, variables)
    if root is not None:
        walk.selections([operation.selection_set], root, 1)
    top = {s.name.value for s in operation.selection_set.selections if isinstance(s, FieldNode)}
    only_fields = all(isinstance(s, FieldNode) for s in operation.selection_set.selections)
    walk.cost.free = only_fields and bool(top) and top <= FREE_FIELDS
    return walk.cost


@dataclass(frozen=True)
class Checked:
    """A query's document and what validating it against the served schema found (nothing
    for a valid one)."""

    document: DocumentNode
    problems: tuple[GraphQLError, ...]


@functools.lru_cache(maxsize=128)
def checked(query: str) -> Checked:
    """`query` parsed (GraphQLSyntaxError if it cannot be) and validated, remembered by its
    text: a client that sends its names as variables sends one document again and again, and
    parsing and validating a hundred-repository query costs more than running it. Neither
    depends on who asks or on the state, and nothing changes a parsed document. The one cache
    for both the secondary-limit count and the endpoint, which see the same request."""
    document = parse(query)
    return Checked(document, tuple(validate(served_schema(), document)))


def secondary_points(body: bytes) -> int:
    """The points a GraphQL request takes from the per-minute secondary limit: 5 for a
    mutation, 1 for anything else (a query, or a request too broken to tell)."""
    try:
        request = json.loads(body)
        document = checked(request["query"]).document
    except (ValueError, KeyError, TypeError, GraphQLError):
        return QUERY_POINTS
    name = request.get("operationName")
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = next((op for op in operations if name is None or (op.name and op.name.value == name)), None)
    return MUTATION_POINTS if chosen is not None and chosen.operation == OperationType.MUTATION else QUERY_POINTS
