"""Organisation-level Actions secrets: sealed to the organisation's key, shared with all,
private or selected repositories, and kept from anyone but an organisation admin."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
import requests
from github import Github, GithubException
from nacl.public import PublicKey, SealedBox

from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import TokenGrant
from tests.sandbox.org_support import ORG, call, lazy_client

ADMIN = "org-admin"  # the operator's role, with the admin:org scope GitHub asks for
SECRETS = f"/orgs/{ORG}/actions/secrets"


@pytest.fixture
def admin(sandbox: Sandbox) -> str:
    sandbox.set_token_grant(ADMIN, TokenGrant(scopes=["repo", "workflow", "admin:org"]))
    return ADMIN


@pytest.fixture
def gh(sandbox: Sandbox, admin: str) -> Iterator[Github]:
    client = lazy_client(sandbox, admin)
    yield client
    client.close()


def repo_id(sandbox: Sandbox, name: str) -> int:
    with sandbox.state.lock:
        repo = sandbox.state.find_repo(ORG, name)
        assert repo is not None
        return repo.id


def org_secret_matches(sandbox: Sandbox, name: str, value: str) -> bool:
    sandbox.snapshot()  # up to date with what the server wrote
    actions = sandbox.state.actions_of(ORG)
    return actions is not None and actions.secret_matches(name, value)


def shared_names(sandbox: Sandbox, token: str, repository: str) -> set[str]:
    response = call(sandbox, token, "GET", f"/repos/{ORG}/{repository}/actions/organization-secrets")
    assert response.status_code == 200, response.text
    return {secret["name"] for secret in response.json()["secrets"]}


def test_pygithub_creates_an_organisation_secret_the_sandbox_can_open(sandbox: Sandbox, gh: Github) -> None:
    org = gh.get_organization(ORG)

    org.create_secret("DEPLOY_KEY", "s3cr3t-value", visibility="all")
    listed = {secret.name: secret.visibility for secret in org.get_secrets()}
    fetched = org.get_secret("DEPLOY_KEY")

    assert listed["DEPLOY_KEY"] == "all"
    assert fetched.visibility == "all"
    assert org_secret_matches(sandbox, "DEPLOY_KEY", "s3cr3t-value")
    assert not org_secret_matches(sandbox, "DEPLOY_KEY", "something-else")


def test_selected_repositories_decide_who_gets_a_secret(sandbox: Sandbox, gh: Github, admin: str) -> None:
    org = gh.get_organization(ORG)
    kernel = gh.get_repo(f"{ORG}/sovereign-kernel")
    handbook = gh.get_repo(f"{ORG}/operations-handbook")

    secret = org.create_secret("ONLY_SOME", "v", visibility="selected", selected_repositories=[kernel])
    assert [repo.name for repo in secret.selected_repositories] == ["sovereign-kernel"]
    assert "ONLY_SOME" in shared_names(sandbox, admin, "sovereign-kernel")
    assert "ONLY_SOME" not in shared_names(sandbox, admin, "operations-handbook")

    assert secret.add_repo(handbook)
    assert "ONLY_SOME" in shared_names(sandbox, admin, "operations-handbook")
    assert secret.remove_repo(kernel)
    assert "ONLY_SOME" not in shared_names(sandbox, admin, "sovereign-kernel")

    replaced = call(
        sandbox,
        admin,
        "PUT",
        f"{SECRETS}/ONLY_SOME/repositories",
        {"selected_repository_ids": [repo_id(sandbox, "agent-runtime")]},
    )
    assert replaced.status_code == 204
    assert [r.name for r in org.get_secret("ONLY_SOME").selected_repositories] == ["agent-runtime"]


def test_a_private_secret_reaches_private_repositories_only(sandbox: Sandbox, admin: str) -> None:
    # Seeded: ORGANIZATION_RELEASE_TOKEN is private, AGENT_TELEMETRY_KEY selected for two.
    assert "ORGANIZATION_RELEASE_TOKEN" in shared_names(sandbox, admin, "infra-terraform")
    assert "ORGANIZATION_RELEASE_TOKEN" not in shared_names(sandbox, admin, "sovereign-kernel")
    assert "AGENT_TELEMETRY_KEY" in shared_names(sandbox, admin, "sovereign-kernel")
    assert "AGENT_TELEMETRY_KEY" not in shared_names(sandbox, admin, "infra-terraform")


def test_selection_routes_answer_conflict_while_the_visibility_is_not_selected(sandbox: Sandbox, admin: str) -> None:
    listed = call(sandbox, admin, "GET", f"{SECRETS}/ORGANIZATION_RELEASE_TOKEN/repositories")
    added = call(
        sandbox, admin, "PUT", f"{SECRETS}/ORGANIZATION_RELEASE_TOKEN/repositories/{repo_id(sandbox, 'release-tools')}"
    )

    assert listed.status_code == 409 and added.status_code == 409


def test_a_secret_is_written_with_the_organisations_key_and_its_visibility(sandbox: Sandbox, admin: str) -> None:
    key = call(sandbox, admin, "GET", f"{SECRETS}/public-key").json()
    sealed = SealedBox(PublicKey(base64.b64decode(key["key"]))).encrypt(b"value-1")
    body = {"encrypted_value": base64.b64encode(sealed).decode(), "key_id": key["key_id"], "visibility": "private"}

    created = call(sandbox, admin, "PUT", f"{SECRETS}/FROM_HTTP", body)
    updated = call(sandbox, admin, "PUT", f"{SECRETS}/FROM_HTTP", {**body, "visibility": "all"})
    wrong_key = call(sandbox, admin, "PUT", f"{SECRETS}/OTHER", {**body, "key_id": "0"})
    ids_without_selected = call(sandbox, admin, "PUT", f"{SECRETS}/OTHER", {**body, "selected_repository_ids": [1]})

    assert (created.status_code, created.json()) == (201, {})
    assert updated.status_code == 204
    assert call(sandbox, admin, "GET", f"{SECRETS}/FROM_HTTP").json()["visibility"] == "all"
    assert {wrong_key.status_code, ids_without_selected.status_code} == {422}
    assert org_secret_matches(sandbox, "FROM_HTTP", "value-1")
    assert call(sandbox, admin, "DELETE", f"{SECRETS}/FROM_HTTP").status_code == 204
    assert call(sandbox, admin, "GET", f"{SECRETS}/FROM_HTTP").status_code == 404


@pytest.mark.contract_violations_expected
def test_a_secret_without_a_visibility_is_refused(sandbox: Sandbox, admin: str) -> None:
    response = call(sandbox, admin, "PUT", f"{SECRETS}/NO_VISIBILITY", {"encrypted_value": "AAAA", "key_id": "1"})

    assert response.status_code == 422
    assert response.json()["errors"][0] == {"resource": "Secret", "code": "missing_field", "field": "visibility"}


def test_only_an_organisation_admin_with_admin_org_may_touch_them(sandbox: Sandbox) -> None:
    sandbox.set_token_grant("no-admin-org", TokenGrant())  # the operator's default scopes
    sandbox.set_token_grant("member", TokenGrant(scopes=["repo", "admin:org"], role="push"))
    refusal = "You must be an org admin or have the actions secrets fine-grained permission."

    for token in ("no-admin-org", "member"):
        listed = call(sandbox, token, "GET", SECRETS)
        assert (listed.status_code, listed.json()["message"]) == (403, refusal), token
    assert call(sandbox, "member", "GET", f"/orgs/{ORG}/actions/secrets/public-key").status_code == 403
    assert requests.get(f"{sandbox.url}{SECRETS}").status_code == 401
    assert call(sandbox, "member", "GET", "/orgs/no-such-org/actions/secrets").status_code == 404


def test_an_installation_token_needs_the_organisation_secrets_permission(sandbox: Sandbox) -> None:
    allowed = sandbox.installation_token(ORG)
    user_token = sandbox.installation_token("maya-okafor")

    listed = call(sandbox, allowed, "GET", SECRETS)
    elsewhere = call(sandbox, user_token, "GET", SECRETS)

    assert listed.status_code == 200
    assert {s["name"] for s in listed.json()["secrets"]} >= {"ORGANIZATION_RELEASE_TOKEN", "AGENT_TELEMETRY_KEY"}
    assert (elsewhere.status_code, elsewhere.json()["message"]) == (403, "Resource not accessible by integration")


def test_pygithub_deletes_an_organisation_secret(sandbox: Sandbox, gh: Github) -> None:
    org = gh.get_organization(ORG)
    org.create_secret("SHORT_LIVED", "v")

    org.get_secret("SHORT_LIVED").delete()

    with pytest.raises(GithubException) as gone:
        org.get_secret("SHORT_LIVED").visibility  # noqa: B018 (the property fetches the secret)
    assert gone.value.status == 404
