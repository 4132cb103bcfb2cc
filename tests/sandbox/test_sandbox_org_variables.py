"""Organisation-level Actions variables: created, changed and shared like organisation secrets,
their values readable, and what each repository gets from its organisation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from github import Github, GithubException

from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import TokenGrant
from tests.sandbox.org_support import ORG, call, lazy_client

ADMIN = "org-admin"
VARIABLES = f"/orgs/{ORG}/actions/variables"


@pytest.fixture
def admin(sandbox: Sandbox) -> str:
    sandbox.set_token_grant(ADMIN, TokenGrant(scopes=["repo", "admin:org"]))
    return ADMIN


@pytest.fixture
def gh(sandbox: Sandbox, admin: str) -> Iterator[Github]:
    client = lazy_client(sandbox, admin)
    yield client
    client.close()


def shared(sandbox: Sandbox, token: str, repository: str) -> dict[str, str]:
    response = call(sandbox, token, "GET", f"/repos/{ORG}/{repository}/actions/organization-variables")
    assert response.status_code == 200, response.text
    return {variable["name"]: variable["value"] for variable in response.json()["variables"]}


def test_pygithub_creates_reads_edits_and_deletes_an_organisation_variable(sandbox: Sandbox, gh: Github) -> None:
    org = gh.get_organization(ORG)

    org.create_variable("TEAM_CHANNEL", "#ops", visibility="all")
    listed = {variable.name: variable.value for variable in org.get_variables()}
    variable = org.get_variable("TEAM_CHANNEL")
    assert listed["TEAM_CHANNEL"] == "#ops" and variable.visibility == "all"

    assert variable.edit("#ops-alerts", visibility="private")
    edited = org.get_variable("TEAM_CHANNEL")
    assert (edited.value, edited.visibility) == ("#ops-alerts", "private")

    edited.delete()
    with pytest.raises(GithubException) as gone:
        org.get_variable("TEAM_CHANNEL").value  # noqa: B018 (the property fetches the variable)
    assert gone.value.status == 404


def test_each_repository_gets_the_variables_its_organisation_shares_with_it(sandbox: Sandbox, admin: str) -> None:
    # Seeded: AUTONOMY_ORG_NAME for all, AGENT_MODEL_TIER selected for sovereign-kernel.
    kernel = shared(sandbox, admin, "sovereign-kernel")
    handbook = shared(sandbox, admin, "operations-handbook")

    assert kernel == {"AGENT_MODEL_TIER": "standard", "AUTONOMY_ORG_NAME": "Sovereign Operating System"}
    assert handbook == {"AUTONOMY_ORG_NAME": "Sovereign Operating System"}
    # A user's repository has no organisation to get anything from.
    assert call(sandbox, admin, "GET", "/repos/maya-okafor/dotfiles/actions/organization-variables").json() == {
        "total_count": 0,
        "variables": [],
    }


def test_selected_repositories_of_a_variable(sandbox: Sandbox, gh: Github, admin: str) -> None:
    org = gh.get_organization(ORG)
    kernel, runtime = gh.get_repo(f"{ORG}/sovereign-kernel"), gh.get_repo(f"{ORG}/agent-runtime")

    variable = org.create_variable("ONLY_SOME", "1", visibility="selected", selected_repositories=[kernel])
    assert [repo.name for repo in variable.selected_repositories] == ["sovereign-kernel"]
    assert variable.add_repo(runtime)
    assert "ONLY_SOME" in shared(sandbox, admin, "agent-runtime")
    assert variable.remove_repo(kernel)
    assert "ONLY_SOME" not in shared(sandbox, admin, "sovereign-kernel")

    everything = call(sandbox, admin, "PUT", f"{VARIABLES}/ONLY_SOME/repositories", {"selected_repository_ids": []})
    assert everything.status_code == 204
    assert "ONLY_SOME" not in shared(sandbox, admin, "agent-runtime")
    not_selected = call(sandbox, admin, "GET", f"{VARIABLES}/AUTONOMY_ORG_NAME/repositories")
    assert not_selected.status_code == 409


def test_creating_a_variable_that_exists_is_a_conflict(sandbox: Sandbox, admin: str) -> None:
    body = {"name": "autonomy_org_name", "value": "x", "visibility": "all"}

    response = call(sandbox, admin, "POST", VARIABLES, body)

    assert (response.status_code, response.json()["message"]) == (409, "Already exists - Variable already exists")


def test_variables_page_by_ten_by_default(sandbox: Sandbox, admin: str) -> None:
    for number in range(12):
        body = {"name": f"BULK_{number:02d}", "value": str(number), "visibility": "all"}
        assert call(sandbox, admin, "POST", VARIABLES, body).status_code == 201

    first = call(sandbox, admin, "GET", VARIABLES)

    assert first.json()["total_count"] == 14  # the two seeded ones too
    assert len(first.json()["variables"]) == 10
    assert 'rel="next"' in first.headers["Link"]


def test_variables_need_an_organisation_admin_or_the_app_permission(sandbox: Sandbox) -> None:
    sandbox.set_token_grant("reader", TokenGrant(scopes=["repo", "admin:org"], role="pull"))
    refused = call(sandbox, "reader", "GET", VARIABLES)
    narrowed = sandbox.installation_token(ORG)

    assert (refused.status_code, refused.json()["message"]) == (
        403,
        "You must be an org admin or have the actions variables fine-grained permission.",
    )
    assert call(sandbox, narrowed, "GET", VARIABLES).status_code == 200
    body = {"name": "FROM_THE_APP", "value": "1", "visibility": "all"}
    assert call(sandbox, narrowed, "POST", VARIABLES, body).status_code == 201
