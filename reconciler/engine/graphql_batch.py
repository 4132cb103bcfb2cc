"""One GraphQL query for a batch of repositories, and its answer split back by repository.

Each repository is an aliased field, `r0: repository(owner: $o0, name: $n0) { ... }`, holding
what the kinds select there. Owners and names travel as variables, so every first query of a
given size and selection is the same document: GitHub (and the sandbox) can reuse its parsing
and validation, and no name needs escaping into the query's text. The query also asks what
it cost (`rateLimit`), which sizes the next batch. GitHub answers the repositories it can and
nulls the others, with an error whose `path` starts at that alias (`NOT_FOUND` for one the
token cannot see): those, and any the errors cannot be pinned on, are the ones GraphQL could
not answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reconciler.github.port import GraphQLReply

RATE_LIMIT = "rateLimit { cost remaining resetAt }"


@dataclass(frozen=True)
class Ask:
    """What to select inside one repository's field."""

    repository: str  # owner/name
    selection: str


@dataclass(frozen=True)
class BatchAnswer:
    # Per ask, in order: the repository's object, or None when GraphQL could not answer it.
    repositories: tuple[Mapping[str, Any] | None, ...]
    cost: int | None  # the points GitHub charged for the query
    remaining: int | None  # the points left in this hour's GraphQL budget


def alias(index: int) -> str:
    return f"r{index}"


@dataclass(frozen=True)
class BatchQuery:
    document: str
    variables: Mapping[str, str]


def batch_query(asks: Sequence[Ask]) -> BatchQuery:
    definitions: list[str] = []
    fields: list[str] = []
    variables: dict[str, str] = {}
    for index, ask in enumerate(asks):
        owner, name = ask.repository.split("/", 1)
        variables[f"o{index}"], variables[f"n{index}"] = owner, name
        definitions.append(f"$o{index}: String!, $n{index}: String!")
        fields.append(f"  {alias(index)}: repository(owner: $o{index}, name: $n{index}) {{ {ask.selection} }}")
    document = f"query Batch({', '.join(definitions)}) {{\n" + "\n".join(fields) + f"\n  {RATE_LIMIT}\n}}"
    return BatchQuery(document, variables)


def _blamed(errors: Sequence[Mapping[str, Any]]) -> set[str] | None:
    """The aliases the errors are about; None when one of them names no alias (then no answer
    can be trusted to be whole)."""
    blamed: set[str] = set()
    for error in errors:
        path = error.get("path")
        if not isinstance(path, list) or not path or not isinstance(path[0], str):
            return None
        if path[0] != "rateLimit":
            blamed.add(path[0])
    return blamed


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def split_answer(reply: GraphQLReply, count: int) -> BatchAnswer:
    data = reply.data or {}
    blamed = _blamed(reply.errors)
    repositories: list[Mapping[str, Any] | None] = []
    for index in range(count):
        found = data.get(alias(index))
        trusted = blamed is not None and alias(index) not in blamed
        repositories.append(found if trusted and isinstance(found, dict) else None)
    rate = data.get("rateLimit")
    remaining = _int(rate.get("remaining")) if isinstance(rate, dict) else None
    return BatchAnswer(tuple(repositories), reply.cost, remaining)
