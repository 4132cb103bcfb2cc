"""The sandbox's GitHub App: a real RSA key pair, JWTs checked as GitHub checks them, and the
App's own routes (who it is, where it is installed)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from reconciler.sandbox import Sandbox, sandbox_group
from reconciler.sandbox.persistence import load_state
from tests.sandbox.app_support import app_jwt, other_private_key, sign_jwt

ORG = "Sovereign-Operating-System"
USER = "maya-okafor"
UNINSTALLED = "Sovereign-Labs"


def get(sandbox: Sandbox, path: str, token: str) -> requests.Response:
    return requests.get(f"{sandbox.url}{path}", headers={"Authorization": f"Bearer {token}"})


def test_the_app_knows_itself_by_its_jwt_with_its_id_or_its_client_id(sandbox: Sandbox) -> None:
    credentials = sandbox.app_credentials()

    by_id = get(sandbox, "/app", app_jwt(sandbox))
    by_client_id = get(sandbox, "/app", app_jwt(sandbox, issuer=credentials.client_id))

    assert by_id.status_code == 200 and by_client_id.status_code == 200
    body = by_id.json()
    assert (body["id"], body["slug"], body["client_id"]) == (
        credentials.app_id,
        credentials.slug,
        credentials.client_id,
    )
    assert body["owner"]["login"] == ORG
    assert body["installations_count"] == 2
    assert body["html_url"].startswith(sandbox.url)
    assert by_client_id.json()["id"] == credentials.app_id
    # A JWT is not a token that expires: no expiration header, and no OAuth scopes.
    assert "github-authentication-token-expiration" not in by_id.headers
    assert "X-OAuth-Scopes" not in by_id.headers


@pytest.mark.parametrize(
    ("issued", "expires", "status", "message"),
    [
        (-700, -60, 401, "'Expiration time' claim ('exp') must be a numeric value representing the future time"),
        (-60, 900, 401, "'Expiration time' claim ('exp') is too far in the future"),
        (120, 500, 401, "'Issued at' claim ('iat') must be an Integer representing the time"),
    ],
)
def test_a_jwt_out_of_its_time_is_refused_in_githubs_words(
    sandbox: Sandbox, issued: int, expires: int, status: int, message: str
) -> None:
    response = get(sandbox, "/app", app_jwt(sandbox, issued=issued, expires=expires))

    assert response.status_code == status
    assert response.json()["message"].startswith(message)
    assert response.json()["documentation_url"] == "https://docs.github.com/rest"


def test_github_s_own_example_times_are_accepted(sandbox: Sandbox) -> None:
    # iat a minute back, exp ten minutes ahead: eleven minutes apart, and fine.
    assert get(sandbox, "/app", app_jwt(sandbox, issued=-60, expires=600)).status_code == 200


def test_a_jwt_signed_with_another_key_or_not_as_rs256_cannot_be_decoded(sandbox: Sandbox) -> None:
    credentials = sandbox.app_credentials()
    now = int(sandbox.now())
    claims = {"iat": now - 60, "exp": now + 300, "iss": credentials.app_id}

    for token in (
        sign_jwt(other_private_key(), claims),
        sign_jwt(credentials.private_key_pem, claims, alg="RS512"),
        "eyJhbGciOiJSUzI1NiJ9.not-json.c2ln",
    ):
        response = get(sandbox, "/app", token)
        assert (response.status_code, response.json()["message"]) == (401, "A JSON web token could not be decoded")


def test_a_jwt_from_an_app_nobody_knows_is_integration_not_found(sandbox: Sandbox) -> None:
    response = get(sandbox, "/app", app_jwt(sandbox, issuer=424242))

    assert (response.status_code, response.json()["message"]) == (404, "Integration not found")


def test_the_apps_routes_take_only_its_jwt_and_the_jwt_only_them(sandbox: Sandbox) -> None:
    with_token = get(sandbox, "/app", "a-personal-token")
    anonymous = requests.get(f"{sandbox.url}/app/installations")
    jwt_elsewhere = get(sandbox, f"/repos/{ORG}/sovereign-kernel", app_jwt(sandbox))

    assert (with_token.status_code, with_token.json()["message"]) == (401, "A JSON web token could not be decoded")
    assert anonymous.status_code == 401
    assert (jwt_elsewhere.status_code, jwt_elsewhere.json()["message"]) == (
        403,
        "Resource not accessible by integration",
    )
    # Checking the budget is allowed with any credential.
    assert get(sandbox, "/rate_limit", app_jwt(sandbox)).status_code == 200


def test_installations_are_found_by_organisation_user_and_repository(sandbox: Sandbox) -> None:
    jwt = app_jwt(sandbox)

    listed = get(sandbox, "/app/installations", jwt).json()
    org = get(sandbox, f"/orgs/{ORG}/installation", jwt).json()
    user = get(sandbox, f"/users/{USER}/installation", jwt).json()
    by_repo = get(sandbox, f"/repos/{ORG}/infra-terraform/installation", jwt).json()
    by_user_repo = get(sandbox, f"/repos/{USER}/agent-notes/installation", jwt).json()

    assert [i["account"]["login"] for i in listed] == [ORG, USER]
    assert org["id"] != user["id"]
    assert (org["target_type"], user["target_type"]) == ("Organization", "User")
    assert org["repository_selection"] == "all"
    assert org["access_tokens_url"] == f"{sandbox.url}/app/installations/{org['id']}/access_tokens"
    assert by_repo["id"] == org["id"] and by_user_repo["id"] == user["id"]
    assert "organization_secrets" in org["permissions"] and "organization_secrets" not in user["permissions"]


def test_where_the_app_is_not_installed_github_answers_not_found(sandbox: Sandbox) -> None:
    jwt = app_jwt(sandbox)

    for path in (
        f"/orgs/{UNINSTALLED}/installation",
        f"/repos/{UNINSTALLED}/prototype-lab/installation",
        "/repos/nobody/nothing/installation",
        "/users/nobody-at-all/installation",
    ):
        response = get(sandbox, path, jwt)
        assert (response.status_code, response.json()["message"]) == (404, "Not Found"), path


def test_an_installation_on_selected_repositories_covers_only_those(sandbox: Sandbox) -> None:
    sandbox.install_app(UNINSTALLED, repositories=["prototype-lab"])
    sandbox.install_app(USER, repositories=["dotfiles"])
    jwt = app_jwt(sandbox)

    installed = get(sandbox, f"/repos/{UNINSTALLED}/prototype-lab/installation", jwt)
    left_out = get(sandbox, f"/repos/{USER}/agent-notes/installation", jwt)

    assert installed.status_code == 200 and installed.json()["repository_selection"] == "selected"
    assert left_out.status_code == 404
    assert sandbox.installation_repository_names(USER) == [f"{USER}/dotfiles"]


def test_the_key_pair_is_made_once_and_kept_in_the_state(sandbox: Sandbox, state_file: Path) -> None:
    first = sandbox.app_credentials()
    second = sandbox.app_credentials()

    assert first.private_key_pem == second.private_key_pem
    assert first.private_key_pem.startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert first.private_key_pem not in repr(first)
    saved = load_state(state_file).apps[0]
    assert saved.private_key_pem == first.private_key_pem


def test_sandbox_app_writes_the_key_owner_readable_and_prints_only_ids(sandbox: Sandbox, tmp_path: Path) -> None:
    assert sandbox.state_file is not None
    key_file = tmp_path / "keys" / "app.pem"

    result = CliRunner().invoke(sandbox_group, ["app", "--state", str(sandbox.state_file), "--key-file", str(key_file)])

    assert result.exit_code == 0, result.output
    credentials = sandbox.app_credentials()
    assert f"app id {credentials.app_id}" in result.output
    assert credentials.client_id in result.output
    assert "PRIVATE KEY" not in result.output
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    pem = key_file.read_text(encoding="ascii")
    # The key on disk is the one the sandbox checks signatures with.
    now = int(sandbox.now())
    token = sign_jwt(pem, {"iat": now - 60, "exp": now + 300, "iss": credentials.app_id})
    assert get(sandbox, "/app", token).status_code == 200


def test_the_state_served_over_http_leaves_the_private_key_out(sandbox: Sandbox) -> None:
    pem = sandbox.app_credentials().private_key_pem

    served = requests.get(f"{sandbox.url}/_sandbox/state").text

    assert '"apps"' in served and str(sandbox.app_credentials().app_id) in served
    assert pem.splitlines()[1] not in served


def test_an_empty_sandbox_says_how_to_get_an_app(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    Sandbox(empty, seed=False).close()

    result = CliRunner().invoke(sandbox_group, ["app", "--state", str(empty), "--key-file", str(tmp_path / "k.pem")])

    assert result.exit_code == 1
    assert "reconciler sandbox reset" in result.output
    assert not (tmp_path / "k.pem").exists()
