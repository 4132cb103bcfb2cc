"""The token owner and their rate limit."""

from __future__ import annotations

from .. import ratelimit
from .. import representations as rep
from ..api_versions import BREAKING_2026, at_least
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
    body = rep.private_user(ctx.base_url, ctx.state, account)
    return Response(200, body, last_modified=account.created_at)


def get_rate_limit(ctx: RequestContext) -> Response:
    body = ratelimit.overview(ctx.state, ctx.token or None, client_ip=ctx.client_ip)
    if at_least(ctx.api_version, BREAKING_2026):
        # 2026-03-10 drops the old top-level copy of `resources.core`.
        del body["rate"]
    return Response(200, body)
