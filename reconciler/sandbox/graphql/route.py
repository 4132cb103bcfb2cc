"""Where GraphQL meets the sandbox's router and pipeline: its routes and its credentials rule.

Importing this module costs nothing: graphql-core and the schema load on the first GraphQL
request, so commands that never start the sandbox never pay for them.
"""

from __future__ import annotations

from ..auth import parse_token
from ..protocol import ApiError, RequestContext, Response
from ..routing import Route, Router

# github.com serves GraphQL at /graphql; GitHub Enterprise Server at /api/graphql.
GRAPHQL_PATHS = ("/graphql", "/api/graphql")
DOCS = "https://docs.github.com/graphql"
AUTHENTICATION_DOCS = "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql"


def register(router: Router) -> None:
    for path in GRAPHQL_PATHS:
        # Free of REST's request budget: GraphQL meters its own points (``budget``). No scope is
        # needed to ask; what a query may read is decided per field.
        router.add("POST", path, answer_graphql, docs=DOCS, accepted_scopes=(), required_scopes=(), free=True)


def answer_graphql(ctx: RequestContext) -> Response:
    from .endpoint import answer

    return answer(ctx)


def check_credentials(route: Route, authorization: str | None) -> None:
    """GitHub's GraphQL refuses a request without a token in its own words (REST says
    "Requires authentication"). Bad credentials read the same on both."""
    if route.template in GRAPHQL_PATHS and parse_token(authorization) is None:
        raise ApiError(401, "This endpoint requires you to be authenticated.", documentation_url=AUTHENTICATION_DOCS)
