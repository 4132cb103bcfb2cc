"""What GitHub Actions tells a step about its run, for links back to it."""

from __future__ import annotations

import os
from collections.abc import Mapping


def workflow_run_url(env: Mapping[str, str] = os.environ) -> str | None:
    """The running workflow's page, where its artifacts (the full plan) can be downloaded."""
    names = ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")
    server, repository, run = (env.get(name, "").strip() for name in names)
    if not (server and repository and run):
        return None
    return f"{server.rstrip('/')}/{repository}/actions/runs/{run}"


def artifact_hint(env: Mapping[str, str] = os.environ) -> str | None:
    url = workflow_run_url(env)
    return None if url is None else f"attached to workflow run {url}"
