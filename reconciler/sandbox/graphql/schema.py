"""The served schema: GitHub's SDL subset (package data), built once per process."""

from __future__ import annotations

import threading
from functools import cache
from importlib import resources

from graphql import GraphQLSchema, build_schema

SCHEMA_FILE = "schema.graphql"
_lock = threading.Lock()


def schema_text() -> str:
    """The SDL ``scripts/extract_github_graphql_schema.py`` cut out of GitHub's schema."""
    package = __name__.rpartition(".")[0]
    return resources.files(package).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


@cache
def _build() -> GraphQLSchema:
    return build_schema(schema_text())


def served_schema() -> GraphQLSchema:
    # Building takes a few milliseconds; requests on several threads must not build it twice.
    with _lock:
        return _build()
