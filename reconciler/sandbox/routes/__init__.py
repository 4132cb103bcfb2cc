"""Every GitHub route the sandbox answers, gathered into one router."""

from __future__ import annotations

from ..graphql import route as graphql
from ..routing import Router
from . import account, contents, git, issues, labels, pulls, repositories, secrets, variables, workflows


def build_router() -> Router:
    router = Router()
    for module in (
        account,
        repositories,
        labels,
        issues,
        pulls,
        contents,
        git,
        workflows,
        secrets,
        variables,
        graphql,
    ):
        module.register(router)
    return router
