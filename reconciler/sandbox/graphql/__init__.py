"""``POST /graphql`` (and GHES's ``/api/graphql``), held to GitHub's published schema.

The schema is a subset of GitHub's own (``schema.graphql``, extracted from
``@octokit/graphql-schema`` by ``scripts/extract_github_graphql_schema.py``); graphql-core
parses, validates and executes against it; resolvers read the sandbox state through ``view``
only. GitHub's cost arithmetic, node limit, hourly points budget and error shapes apply.

* ``route``: the routes and the credentials rule the pipeline calls (cheap to import).
* ``endpoint``: one request end to end. ``cost``: what a query costs. ``budget``: the hourly
  points. ``view``: the state, adapted. ``resolvers``, ``connections``: the fields.
  ``errors``, ``validation``: GitHub's error objects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .route import GRAPHQL_PATHS, check_credentials, register

if TYPE_CHECKING:
    from ..state import SandboxState


def secondary_points(body: bytes) -> int:
    """What a GraphQL request takes from the per-minute secondary limit (2,000 points a minute
    for GraphQL): 1 for a query, 5 for a mutation."""
    from .cost import secondary_points as points

    return points(body)


def force_budget(state: SandboxState, *, remaining: int, reset_epoch: int, now: int) -> None:
    """Put every token at ``remaining`` GraphQL points until ``reset_epoch``."""
    from .budget import force

    force(state, remaining=remaining, reset_epoch=reset_epoch, now=now)


__all__ = ["GRAPHQL_PATHS", "check_credentials", "force_budget", "register", "secondary_points"]
