"""Every GitHub route the sandbox answers, gathered into one router."""

from __future__ import annotations

from ..graphql import route as graphql
from ..routing import Router
from . import (
    account,
    contents,
    git,
    issues,
    labels,
    meta,
    pulls,
    repo_creation,
    repositories,
    secrets,
    variables,
    workflows,
)


def build_router() -> Router:
    router = Router()
    for module in (
        meta,
        account,
        repositories,
        repo_creation,
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
