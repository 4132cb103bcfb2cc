"""Every GitHub route the sandbox answers, gathered into one router."""

from __future__ import annotations

from ..routing import Router
from . import account, issues, labels, repositories, secrets, variables


def build_router() -> Router:
    router = Router()
    for module in (account, repositories, labels, issues, secrets, variables):
        module.register(router)
    return router
