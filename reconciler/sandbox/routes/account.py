"""The token owner and their rate limit."""

from __future__ import annotations

from .. import ratelimit
from .. import representations as rep
from ..protocol import RequestContext, Response
from ..routing import Router


def register(router: Router) -> None:
    router.add(
        "GET",
        "/user",
        get_authenticated_user,
        accepted_scopes=(),
        docs="https://docs.github.com/rest/users/users#get-the-authenticated-user",
    )
    # Free, as on GitHub: checking the budget must not spend it.
    router.add(
        "GET",
        "/rate_limit",
        get_rate_limit,
        accepted_scopes=(),
        free=True,
        docs="https://docs.github.com/rest/rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user",
    )


def get_authenticated_user(ctx: RequestContext) -> Response:
    account = rep.account_or_placeholder(ctx.state, ctx.login)
    return Response(200, rep.private_user(ctx.base_url, ctx.state, account))


def get_rate_limit(ctx: RequestContext) -> Response:
    return Response(200, ratelimit.overview(ctx.state, ctx.token or None, client_ip=ctx.client_ip))
