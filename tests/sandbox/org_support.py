"""What the organisation-level Actions tests (secrets, variables, installation tokens) share:
a raw request with a token, and a PyGithub client that does not fetch the organisation
first (the sandbox does not serve ``GET /orgs/{org}``)."""

from __future__ import annotations

import requests
from github import Auth, Github

from reconciler.sandbox import Sandbox

ORG = "Sovereign-Operating-System"


def call(sandbox: Sandbox, token: str, method: str, path: str, body: object = None) -> requests.Response:
    return requests.request(method, f"{sandbox.url}{path}", headers={"Authorization": f"token {token}"}, json=body)


def lazy_client(sandbox: Sandbox, token: str) -> Github:
    return Github(
        base_url=sandbox.url,
        auth=Auth.Token(token),
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
        lazy=True,
    )
