"""Every GitHub route the sandbox answers, gathered into one router."""

from __future__ import annotations

from ..graphql import route as graphql
from ..routing import Router
from . import (
    account,
    apps,
    contents,
    git,
    issues,
    labels,
    meta,
    org_secrets,
    org_variables,
    pulls,
    repo_creation,
    repositories,
    secrets,
    variables,
    workflow_runs,
    workflows,
)


def build_router() -> Router:
    router = Router()
    for module in (
        meta,
        account,
        apps,
        repositories,
        repo_creation,
        labels,
        issues,
        pulls,
        contents,
        git,
        workflows,
        workflow_runs,
        secrets,
        variables,
        org_secrets,
        org_variables,
        graphql,
    ):
        module.register(router)
    return router
