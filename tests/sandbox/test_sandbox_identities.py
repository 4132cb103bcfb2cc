"""Tokens are identities: who a token acts for decides which repositories exist for it, and how
far it may go in each; requests without a token read public data under GitHub's small budget."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from reconciler.sandbox import Sandbox
from reconciler.sandbox.location import COMMAND_TOKEN
from reconciler.sandbox.state import TokenGrant
from tests.sandbox.graphql_queries import ORGANIZATION_PAGE, REPOSITORY, data_of, post
from tests.sandbox.state_files import saved_bytes

ORG = "Sovereign-Operating-System"
PUBLIC = f"{ORG}/sovereign-kernel"
PRIVATE = f"{ORG}/infra-terraform"
OTHER_PRIVATE = f"{ORG}/security-advisories"
LABEL = {"name": "from-a-test", "color": "ffffff"}


def call(
    sandbox: Sandbox, token: str | None, method: str, path: str, body: object = None, params: object = None
) -> requests.Response:
    headers = {"Authorization": f"token {token}"} if token is not None else {}
    return requests.request(method, f"{sandbox.url}{path}", headers=headers, json=body, params=params)


def org_listing(sandbox: Sandbox, token: str | None) -> list[dict[str, object]]:
    response = call(sandbox, token, "GET", f"/orgs/{ORG}/repos", params={"per_page": 100})
    assert response.status_code == 200
    listed: list[dict[str, object]] = response.json()
    return listed


def names(listing: list[dict[str, object]]) -> set[str]:
    return {str(repo["name"]) for repo in listing}


# -- a stranger -----------------------------------------------------------------------------------


def test_a_stranger_cannot_see_private_repositories_anywhere(sandbox: Sandbox) -> None:
    sandbox.set_token_grant("stranger", TokenGrant(login="stranger", role=None))

    for method, path, body in (
        ("GET", f"/repos/{PRIVATE}", None),
        ("GET", f"/repos/{PRIVATE}/labels", None),
        ("GET", f"/repos/{PRIVATE}/contents/README.md", None),
        ("POST", f"/repos/{PRIVATE}/labels", LABEL),
        ("POST", f"/repos/{PRIVATE}/issues", {"title": "Let me in"}),
    ):
        response = call(sandbox, "stranger", method, path, body)
        assert (response.status_code, response.json()["message"]) == (404, "Not Found"), (method, path)

    listed = names(org_listing(sandbox, "stranger"))
    assert "sovereign-kernel" in listed
    assert not {"infra-terraform", "security-advisories"} & listed
    # The operator still sees both.
    assert {"infra-terraform", "security-advisories"} <= names(org_listing(sandbox, COMMAND_TOKEN))
    with sandbox.state.lock:
        repo = sandbox.state.find_repo(ORG, "infra-terraform")
        assert repo is not None and repo.find_label(LABEL["name"]) is None


def test_a_stranger_reads_public_repositories_and_may_not_write_them(sandbox: Sandbox) -> None:
    sandbox.set_token_grant("stranger", TokenGrant(login="stranger", role=None))

    shown = call(sandbox, "stranger", "GET", f"/repos/{PUBLIC}").json()["permissions"]
    refused = call(sandbox, "stranger", "POST", f"/repos/{PUBLIC}/labels", LABEL)
    listed = {repo["name"]: repo["permissions"] for repo in org_listing(sandbox, "stranger")}
    me = call(sandbox, "stranger", "GET", "/user").json()

    assert shown == {"admin": False, "maintain": False, "push": False, "triage": False, "pull": True}
    assert (refused.status_code, refused.json()["message"]) == (403, "Must have push access to repository.")
    assert listed["sovereign-kernel"]["pull"] is True and listed["sovereign-kernel"]["push"] is False
    assert me["login"] == "stranger"


def test_a_token_granted_one_private_repository_sees_that_one_with_its_role(sandbox: Sandbox) -> None:
    grant = TokenGrant(login="contractor", role=None, fine_grained=True, repositories={PRIVATE: "push"})
    sandbox.set_token_grant("fine", grant)

    granted = call(sandbox, "fine", "GET", f"/repos/{PRIVATE}")
    other = call(sandbox, "fine", "GET", f"/repos/{OTHER_PRIVATE}")
    created = call(sandbox, "fine", "POST", f"/repos/{PRIVATE}/labels", LABEL)
    variable = call(sandbox, "fine", "POST", f"/repos/{PRIVATE}/actions/variables", {"name": "X", "value": "1"})
    listed = names(org_listing(sandbox, "fine"))

    assert granted.status_code == 200
    assert granted.json()["permissions"]["push"] is True and granted.json()["permissions"]["admin"] is False
    assert other.status_code == 404
    assert created.status_code == 201
    assert variable.status_code == 403  # push is not admin
    assert "infra-terraform" in listed and "security-advisories" not in listed


def test_a_role_in_one_repository_overrides_the_default_role(sandbox: Sandbox) -> None:
    sandbox.set_token_grant("mixed", TokenGrant(role="pull", repositories={PUBLIC.upper(): "admin"}))

    assert call(sandbox, "mixed", "GET", f"/repos/{PUBLIC}").json()["permissions"]["admin"] is True
    runtime = call(sandbox, "mixed", "GET", f"/repos/{ORG}/agent-runtime").json()["permissions"]
    assert runtime["push"] is False and runtime["pull"] is True
    # A default role reaches private repositories too.
    assert call(sandbox, "mixed", "GET", f"/repos/{PRIVATE}").status_code == 200


def test_a_user_is_admin_of_the_repositories_it_owns(sandbox: Sandbox) -> None:
    with sandbox.transaction() as state:
        state.add_account("alice")
        state.add_repo("alice", "dotfiles", private=True, visibility="private")
    sandbox.set_token_grant("alice-token", TokenGrant(login="alice", role=None))

    own = call(sandbox, "alice-token", "GET", "/repos/alice/dotfiles")

    assert own.status_code == 200 and own.json()["permissions"]["admin"] is True
    assert call(sandbox, "alice-token", "GET", f"/repos/{PRIVATE}").status_code == 404
    assert call(sandbox, "test-token", "GET", "/repos/alice/dotfiles").status_code == 200  # the operator


# -- unknown and bad tokens -----------------------------------------------------------------------


def test_unknown_tokens_act_as_the_operator_unless_told_to_reject_them(sandbox: Sandbox) -> None:
    assert call(sandbox, "never-seen", "GET", f"/repos/{PRIVATE}").status_code == 200

    sandbox.set_unknown_tokens("reject")
    sandbox.set_token_grant("known", TokenGrant(role="pull"))

    rejected = call(sandbox, "never-seen", "GET", f"/repos/{PUBLIC}")
    assert (rejected.status_code, rejected.json()["message"]) == (401, "Bad credentials")
    assert call(sandbox, "known", "GET", f"/repos/{PUBLIC}").status_code == 200
    # The token --sandbox commands send is the operator's by name, so they keep working.
    assert call(sandbox, COMMAND_TOKEN, "POST", f"/repos/{PRIVATE}/labels", LABEL).status_code == 201
    with pytest.raises(ValueError, match="operator, reject"):
        sandbox.set_unknown_tokens("maybe")


@pytest.mark.contract_violations_expected  # an unknown route is no documented operation
def test_a_bad_token_is_401_even_on_an_unknown_route_and_a_good_one_keeps_its_budget(sandbox: Sandbox) -> None:
    sandbox.set_token_grant("revoked", TokenGrant(valid=False))

    bad = call(sandbox, "revoked", "GET", "/no/such/route")
    good = call(sandbox, "test-token", "GET", "/no/such/route")
    spent = call(sandbox, "test-token", "GET", f"/repos/{PUBLIC}/labels")

    assert (bad.status_code, bad.json()["message"]) == (401, "Bad credentials")
    assert good.status_code == 404
    assert good.headers["X-RateLimit-Limit"] == "5000"
    assert int(good.headers["X-RateLimit-Remaining"]) == int(spent.headers["X-RateLimit-Remaining"]) + 1


def test_request_ids_have_five_hex_parts_as_githubs(sandbox: Sandbox) -> None:
    ids = {call(sandbox, "test-token", "GET", "/user").headers["X-GitHub-Request-Id"] for _ in range(3)}
    assert len(ids) == 3
    for request_id in ids:
        assert re.fullmatch(r"[0-9A-F]{4}:[0-9A-F]{6}:[0-9A-F]{6}:[0-9A-F]{6}:[0-9A-F]{8}", request_id), request_id


def test_tokens_are_kept_only_as_digests(sandbox: Sandbox, state_file: Path) -> None:
    sandbox.set_token_grant("a-very-recognisable-token", TokenGrant(login="someone", role=None))

    assert b"a-very-recognisable-token" not in saved_bytes(state_file)
    assert "a-very-recognisable-token" not in str(sandbox.snapshot())
    assert call(sandbox, "a-very-recognisable-token", "GET", "/user").json()["login"] == "someone"


# -- anonymous requests ---------------------------------------------------------------------------


def test_anonymous_requests_read_public_repositories_only(sandbox: Sandbox) -> None:
    repo = call(sandbox, None, "GET", f"/repos/{PUBLIC}")
    labels = call(sandbox, None, "GET", f"/repos/{PUBLIC}/labels")
    private = call(sandbox, None, "GET", f"/repos/{PRIVATE}")
    listed = org_listing(sandbox, None)

    assert repo.status_code == 200 and "permissions" not in repo.json()
    assert "X-OAuth-Scopes" not in repo.headers
    assert labels.status_code == 200 and labels.json()
    assert private.status_code == 404
    assert "sovereign-kernel" in names(listed) and "infra-terraform" not in names(listed)
    assert all("permissions" not in entry for entry in listed)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", f"/repos/{PUBLIC}/labels"),
        ("PUT", f"/repos/{PUBLIC}/actions/workflows/ci.yml/disable"),
        ("GET", "/user"),
        ("GET", f"/repos/{PUBLIC}/actions/secrets"),
        ("GET", f"/repos/{PUBLIC}/actions/variables"),
    ],
)
def test_anonymous_requests_must_authenticate_for_anything_else(sandbox: Sandbox, method: str, path: str) -> None:
    response = call(sandbox, None, method, path, LABEL if method == "POST" else None)

    assert (response.status_code, response.json()["message"]) == (401, "Requires authentication")


def test_anonymous_requests_spend_a_budget_of_60_an_hour(sandbox: Sandbox) -> None:
    first = call(sandbox, None, "GET", f"/repos/{PUBLIC}")
    assert first.headers["X-RateLimit-Limit"] == "60"
    assert first.headers["X-RateLimit-Remaining"] == "59"
    assert call(sandbox, None, "GET", "/rate_limit").json()["resources"]["core"]["limit"] == 60

    statuses = [call(sandbox, None, "GET", f"/repos/{PUBLIC}/labels").status_code for _ in range(60)]

    assert statuses.count(200) == 59
    refused = call(sandbox, None, "GET", f"/repos/{PUBLIC}")
    assert refused.status_code == 403 and refused.headers["X-RateLimit-Remaining"] == "0"
    assert refused.json()["message"].startswith("API rate limit exceeded for 127.0.0.1.")
    # A token has its own budget, untouched.
    authenticated = call(sandbox, "test-token", "GET", f"/repos/{PUBLIC}")
    assert authenticated.status_code == 200 and authenticated.headers["X-RateLimit-Limit"] == "5000"


# -- GraphQL sees what REST sees ------------------------------------------------------------------


def test_graphql_hides_what_the_token_cannot_see_and_reports_its_role(sandbox: Sandbox) -> None:
    sandbox.set_token_grant("stranger", TokenGrant(login="stranger", role=None, repositories={PUBLIC: "push"}))
    with requests.Session() as http:
        http.headers["Authorization"] = "token stranger"
        hidden = post(http, sandbox.url, REPOSITORY, {"owner": ORG, "name": "infra-terraform"}).json()
        granted = data_of(post(http, sandbox.url, REPOSITORY, {"owner": ORG, "name": "sovereign-kernel"}))
        other = data_of(post(http, sandbox.url, REPOSITORY, {"owner": ORG, "name": "agent-runtime"}))
        page = data_of(post(http, sandbox.url, ORGANIZATION_PAGE, {"login": ORG}))

    assert hidden["data"]["repository"] is None
    assert hidden["errors"][0]["type"] == "NOT_FOUND"
    assert granted["repository"]["viewerPermission"] == "WRITE"
    assert other["repository"]["viewerPermission"] == "READ"
    assert page["organization"]["repositories"]["totalCount"] == len(org_listing(sandbox, "stranger"))
