"""The queries the tests send, and the fields the sandbox serves, held to the pinned schema.

Independently of the sandbox: plain graphql-core against the SDL subset extracted from
GitHub's published schema, the same role the OpenAPI subset plays for REST.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import GraphQLInterfaceType, GraphQLObjectType, build_schema, parse, validate

from reconciler.sandbox.graphql.resolvers import RESOLVERS

from .graphql_queries import VALID_QUERIES

SUBSET = Path(__file__).resolve().parents[2] / "reconciler" / "sandbox" / "graphql" / "schema.graphql"
SCHEMA = build_schema(SUBSET.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(VALID_QUERIES))
def test_every_query_the_tests_send_is_valid_against_githubs_schema(name: str) -> None:
    assert [error.message for error in validate(SCHEMA, parse(VALID_QUERIES[name]))] == []


def test_every_field_of_the_subset_is_served_and_nothing_else() -> None:
    in_schema = {
        (type_name, field)
        for type_name, named in SCHEMA.type_map.items()
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType) and not type_name.startswith("__")
        for field in named.fields
    }
    served = {(type_name, field) for type_name, fields in RESOLVERS.items() for field in fields}

    assert sorted(in_schema - served) == [], "fields in schema.graphql with no resolver"
    assert sorted(served - in_schema) == [], "resolvers for fields GitHub's schema subset does not have"
