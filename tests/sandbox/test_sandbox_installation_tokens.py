"""Installation tokens are identities: the installation's repositories, its App permissions,
an hour of life by the sandbox's clock, and a budget of their own."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import requests
from github import Auth, Github, GithubException, GithubIntegration

from reconciler.sandbox import FleetSpec, Sandbox
from reconciler.sandbox.apps import rate_limit_for
from tests.sandbox.app_support import app_jwt
from tests.sandbox.org_support import ORG, call

USER = "maya-okafor"
LABEL = {"name": "from-an-app", "color": "ffffff"}
NOT_ACCESSIBLE = "There is at least one repository that does not exist or is not accessible to the parent installation."
VARIABLE = {"name": "FROM_AN_APP", "value": "1"}


def mint(sandbox: Sandbox, account: str, body: dict[str, Any] | None = None) -> requests.Response:
    jwt = app_jwt(sandbox)
    installation = call(sandbox, jwt, "GET", f"/users/{account}/installation").json()
    return call(sandbox, jwt, "POST", f"/app/installations/{installation['id']}/access_tokens", body)


def test_a_minted_token_lasts_an_hour_and_carries_the_installations_permissions(sandbox: Sandbox) -> None:
    before = int(sandbox.now())
    response = mint(sandbox, ORG)

    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith("ghs_")
    expires = int(datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00")).timestamp())
    assert before + 3600 <= expires <= int(sandbox.now()) + 3600
    assert body["repository_selection"] == "all"
    assert body["permissions"]["contents"] == "write" and body["permissions"]["secrets"] == "write"
    assert "repositories" not in body


def test_an_installation_token_sees_its_installation_and_public_repositories_only(sandbox: Sandbox) -> None:
    token = mint(sandbox, ORG).json()["token"]

    private_in = call(sandbox, token, "GET", f"/repos/{ORG}/infra-terraform")
    private_out = call(sandbox, token, "GET", f"/repos/{USER}/agent-notes")
    public_out = call(sandbox, token, "GET", f"/repos/{USER}/dotfiles")
    listed = {repo["name"] for repo in call(sandbox, token, "GET", f"/orgs/{ORG}/repos?per_page=100").json()}

    assert private_in.status_code == 200
    assert private_in.json()["permissions"]["push"] is True and private_in.json()["permissions"]["admin"] is False
    assert private_out.status_code == 404
    assert public_out.status_code == 200 and public_out.json()["permissions"]["push"] is False
    assert {"infra-terraform", "security-advisories"} <= listed
    # GitHub sends no scopes for App tokens, but says when the token expires.
    assert "X-OAuth-Scopes" not in private_in.headers
    assert private_in.headers["github-authentication-token-expiration"].endswith(" UTC")


def test_an_installation_token_is_no_user(sandbox: Sandbox) -> None:
    token = mint(sandbox, ORG).json()["token"]

    response = call(sandbox, token, "GET", "/user")

    assert (response.status_code, response.json()["message"]) == (403, "Resource not accessible by integration")


def test_a_token_narrowed_to_a_repository_and_fewer_permissions_gets_no_more(sandbox: Sandbox) -> None:
    response = mint(sandbox, ORG, {"repositories": ["infra-terraform"], "permissions": {"contents": "read"}})
    assert response.status_code == 201
    body = response.json()
    token = body["token"]

    assert body["repository_selection"] == "selected"
    assert [repo["full_name"] for repo in body["repositories"]] == [f"{ORG}/infra-terraform"]
    assert body["permissions"] == {"contents": "read", "metadata": "read"}
    assert call(sandbox, token, "GET", f"/repos/{ORG}/infra-terraform/contents/README.md").status_code == 200
    assert call(sandbox, token, "GET", f"/repos/{ORG}/security-advisories").status_code == 404
    refused = call(sandbox, token, "POST", f"/repos/{ORG}/infra-terraform/labels", LABEL)
    assert (refused.status_code, refused.json()["message"]) == (403, "Resource not accessible by integration")
    assert refused.headers["X-Accepted-GitHub-Permissions"] == "issues=write"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"repositories": ["prototype-lab"]}, NOT_ACCESSIBLE),
        ({"repository_ids": [1]}, NOT_ACCESSIBLE),
        (
            {"permissions": {"administration": "write"}},
            "The permissions requested are not granted to this installation.",
        ),
    ],
)
def test_a_token_cannot_be_wider_than_its_installation(sandbox: Sandbox, body: dict[str, Any], message: str) -> None:
    response = mint(sandbox, ORG, body)

    assert response.status_code == 422
    assert response.json()["message"] == message


def test_minting_for_an_installation_that_does_not_exist_is_not_found(sandbox: Sandbox) -> None:
    response = call(sandbox, app_jwt(sandbox), "POST", "/app/installations/1/access_tokens")

    assert (response.status_code, response.json()["message"]) == (404, "Not Found")


def test_app_permissions_decide_what_the_token_may_write(sandbox: Sandbox) -> None:
    writer = mint(sandbox, ORG).json()["token"]
    no_workflows = mint(sandbox, ORG, {"permissions": {"contents": "write"}}).json()["token"]
    content = base64.b64encode(b"name: x\non: push\njobs: {}\n").decode()

    label = call(sandbox, writer, "POST", f"/repos/{ORG}/sovereign-kernel/labels", LABEL)
    variable = call(
        sandbox, writer, "POST", f"/repos/{ORG}/sovereign-kernel/actions/variables", {"name": "V", "value": "1"}
    )
    workflow = call(
        sandbox,
        no_workflows,
        "PUT",
        f"/repos/{ORG}/sovereign-kernel/contents/.github/workflows/new.yml",
        {"message": "add", "content": content},
    )

    # Secrets and variables need only the App's permission, not an admin role.
    assert label.status_code == 201 and variable.status_code == 201
    assert workflow.status_code == 403
    assert workflow.json()["message"] == (
        "refusing to allow a GitHub App to create or update workflow `.github/workflows/new.yml` "
        "without `workflows` permission"
    )


def test_an_installation_token_expires_after_an_hour_of_sandbox_time(sandbox: Sandbox) -> None:
    token = mint(sandbox, ORG).json()["token"]
    assert call(sandbox, token, "GET", f"/repos/{ORG}/sovereign-kernel").status_code == 200

    sandbox.advance_clock(3601)
    expired = call(sandbox, token, "GET", f"/repos/{ORG}/sovereign-kernel")

    assert (expired.status_code, expired.json()["message"]) == (401, "Bad credentials")


def test_a_ghs_token_github_never_minted_is_bad_credentials(sandbox: Sandbox) -> None:
    # Unknown tokens act as the operator by default, but only GitHub mints installation tokens.
    assert call(sandbox, "some-unknown-token", "GET", "/user").status_code == 200
    response = call(sandbox, "ghs_" + "x" * 36, "GET", "/user")

    assert (response.status_code, response.json()["message"]) == (401, "Bad credentials")


def test_the_budget_is_five_thousand_and_fifty_per_repository_beyond_twenty(sandbox: Sandbox) -> None:
    sandbox.seed_fleet(FleetSpec(organization="bench", count=60))
    sandbox.install_app("bench")

    small = call(sandbox, sandbox.installation_token(ORG), "GET", f"/repos/{ORG}/sovereign-kernel")
    fleet = call(sandbox, sandbox.installation_token("bench"), "GET", "/repos/bench/repo-0001")

    assert small.headers["X-RateLimit-Limit"] == "5000"  # 12 repositories
    assert fleet.headers["X-RateLimit-Limit"] == str(5000 + 50 * 40)
    assert rate_limit_for(20) == 5000 and rate_limit_for(1000) == 12500


@pytest.fixture
def integration(sandbox: Sandbox) -> Iterator[GithubIntegration]:
    credentials = sandbox.app_credentials()
    client = GithubIntegration(
        auth=Auth.AppAuth(credentials.app_id, credentials.private_key_pem),
        base_url=sandbox.url,
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )
    yield client
    client.close()


def test_a_run_over_two_owners_uses_two_installations_through_pygithub(
    sandbox: Sandbox, integration: GithubIntegration
) -> None:
    org_installation = integration.get_org_installation(ORG)
    user_installation = integration.get_user_installation(USER)
    assert org_installation.id != user_installation.id

    private_elsewhere = {ORG: f"{USER}/agent-notes", USER: f"{ORG}/infra-terraform"}
    for owner, installation in ((ORG, org_installation), (USER, user_installation)):
        token = integration.get_access_token(installation.id).token
        client = Github(base_url=sandbox.url, auth=Auth.Token(token), retry=None, seconds_between_requests=None)
        for full_name in sandbox.installation_repository_names(owner):
            assert client.get_repo(full_name).full_name == full_name
        # Each token stays within its own installation.
        with pytest.raises(GithubException) as refused:
            client.get_repo(private_elsewhere[owner])
        assert refused.value.status == 404
        client.close()
    assert sandbox.installation_repository_names(USER) == [f"{USER}/dotfiles", f"{USER}/agent-notes"]


def test_pygithub_finds_no_installation_where_the_app_is_not_installed(integration: GithubIntegration) -> None:
    with pytest.raises(GithubException) as missing:
        integration.get_repo_installation("Sovereign-Labs", "prototype-lab")

    assert missing.value.status == 404


def test_pygithub_sees_the_app_and_lists_its_installations(sandbox: Sandbox, integration: GithubIntegration) -> None:
    credentials = sandbox.app_credentials()

    app = integration.get_app()
    accounts = {installation.id: installation.account.login for installation in integration.get_installations()}

    assert (app.id, app.slug) == (credentials.app_id, credentials.slug)
    assert accounts == {number: account for account, number in credentials.installations.items()}
