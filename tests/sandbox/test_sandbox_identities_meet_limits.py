"""Where tokens-as-identities meet the HTTP protocol work: the order of checks, secondary limits
for anonymous callers, and repositories created by a token that sees only part of the world."""

from __future__ import annotations

import http.client
import json
from pathlib import Path

import pytest
import requests

from reconciler.sandbox import Sandbox, SecondaryLimits
from reconciler.sandbox.persistence import load_state
from reconciler.sandbox.state import TokenGrant

ORG = "Sovereign-Operating-System"
PUBLIC = f"{ORG}/sovereign-kernel"
BAD_VERSION = {"X-GitHub-Api-Version": "1999-01-01"}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def get_from(sandbox: Sandbox, source_ip: str, path: str) -> tuple[int, dict[str, str]]:
    """An anonymous GET sent from ``source_ip`` (an address on the loopback range)."""
    host, port = sandbox.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10, source_address=(source_ip, 0))
    try:
        connection.request("GET", path, headers={"Accept": "application/vnd.github+json"})
        response = connection.getresponse()
        response.read()
        return response.status, {name.lower(): value for name, value in response.getheaders()}
    finally:
        connection.close()


# -- the order of checks --------------------------------------------------------------------------


def test_the_api_version_is_checked_before_credentials_and_credentials_before_routing(sandbox: Sandbox) -> None:
    sandbox.set_unknown_tokens("reject")
    bad_token = {"Authorization": "token nobody-knows"}

    bad_version = requests.get(f"{sandbox.url}/repos/{PUBLIC}", headers={**bad_token, **BAD_VERSION})
    bad_credentials = requests.get(f"{sandbox.url}/repos/{PUBLIC}", headers=bad_token)

    assert bad_version.status_code == 400
    assert "is not a supported version" in bad_version.json()["errors"]
    assert (bad_credentials.status_code, bad_credentials.json()["message"]) == (401, "Bad credentials")


def test_a_bad_token_spends_no_secondary_budget(tmp_path: Path) -> None:
    clock = FakeClock()
    with Sandbox(tmp_path / "s.sqlite3", secondary_limits=SecondaryLimits(rest_points_per_minute=1), clock=clock) as sb:
        sb.set_token_grant("revoked", TokenGrant(valid=False))
        refused = [requests.get(f"{sb.url}/repos/{PUBLIC}", headers={"Authorization": "token revoked"}) for _ in "ab"]
        usage = sb.secondary_usage()

    assert [r.status_code for r in refused] == [401, 401]
    assert usage["rest_points"] == {}


# -- secondary limits for anonymous callers -------------------------------------------------------


def test_anonymous_callers_have_their_own_secondary_budget_per_address(tmp_path: Path) -> None:
    clock = FakeClock()
    limits = SecondaryLimits(rest_points_per_minute=2)
    with Sandbox(tmp_path / "s.sqlite3", secondary_limits=limits, clock=clock) as sandbox:
        first_address = [get_from(sandbox, "127.0.0.1", f"/repos/{PUBLIC}") for _ in range(3)]
        other_address = get_from(sandbox, "127.0.0.2", f"/repos/{PUBLIC}")
        token = requests.get(f"{sandbox.url}/repos/{PUBLIC}", headers={"Authorization": "token someone"})
        usage = sandbox.secondary_usage()

    assert [status for status, _ in first_address] == [200, 200, 403]
    refused_headers = first_address[-1][1]
    # A secondary refusal, not the primary one: budget remains, and retry-after says when to come back.
    assert int(refused_headers["retry-after"]) > 0
    assert int(refused_headers["x-ratelimit-remaining"]) > 0
    assert refused_headers["x-ratelimit-limit"] == "60"
    assert other_address[0] == 200
    assert token.status_code == 200
    anonymous = [key for key in usage["rest_points"] if key.startswith("anonymous:")]
    assert len(anonymous) == 2
    assert "127.0.0" not in json.dumps(usage)  # addresses are kept as digests, like tokens


# -- repositories made by a token with a partial view ---------------------------------------------


def test_a_token_without_an_organisation_role_may_create_only_under_its_own_user(
    sandbox: Sandbox, state_file: Path
) -> None:
    sandbox.set_token_grant("guest", TokenGrant(login="guest", role=None))
    guest = {"Authorization": "token guest"}

    in_org = requests.post(f"{sandbox.url}/orgs/{ORG}/repos", headers=guest, json={"name": "not-mine"})
    mine = requests.post(f"{sandbox.url}/user/repos", headers=guest, json={"name": "mine", "private": True})

    assert (in_org.status_code, in_org.json()["message"]) == (
        403,
        "You need admin access to the organization before adding a repository to it.",
    )
    assert mine.status_code == 201
    assert mine.json()["full_name"] == "guest/mine"
    assert mine.json()["permissions"]["admin"] is True
    # The creator is admin of it; a stranger and an anonymous caller are told it does not exist.
    seen = requests.get(f"{sandbox.url}/repos/guest/mine", headers=guest)
    assert seen.status_code == 200 and seen.json()["permissions"]["admin"] is True
    sandbox.set_token_grant("stranger", TokenGrant(login="stranger", role=None))
    stranger = {"Authorization": "token stranger"}
    assert requests.get(f"{sandbox.url}/repos/guest/mine", headers=stranger).status_code == 404
    assert requests.get(f"{sandbox.url}/repos/guest/mine").status_code == 404
    # Saved to the state file, nine default labels and all.
    saved = load_state(state_file).find_repo("guest", "mine")
    assert saved is not None and len(saved.labels) == 9
    assert load_state(state_file).find_repo(ORG, "not-mine") is None


def test_the_creator_is_admin_of_a_new_repository_a_stale_grant_named_lower(sandbox: Sandbox) -> None:
    stale = {f"{ORG}/reborn": "pull"}  # a role in a repository of that name, deleted since
    sandbox.set_token_grant("lead", TokenGrant(login="lead", role="admin", repositories=stale))
    lead = {"Authorization": "token lead"}

    created = requests.post(f"{sandbox.url}/orgs/{ORG}/repos", headers=lead, json={"name": "reborn"})
    label = requests.post(
        f"{sandbox.url}/repos/{ORG}/reborn/labels", headers=lead, json={"name": "mine", "color": "ffffff"}
    )
    # Actions variables need admin in a repository.
    variable = requests.post(
        f"{sandbox.url}/repos/{ORG}/reborn/actions/variables", headers=lead, json={"name": "STAGE", "value": "1"}
    )

    assert created.status_code == 201 and created.json()["permissions"]["admin"] is True
    assert label.status_code == 201
    assert variable.status_code == 201


@pytest.mark.parametrize("private", [False, True])
def test_an_organisation_repository_is_listed_for_whoever_may_see_it(sandbox: Sandbox, private: bool) -> None:
    created = requests.post(
        f"{sandbox.url}/orgs/{ORG}/repos",
        headers={"Authorization": "token test-token"},
        json={"name": "brand-new", "private": private},
    )
    sandbox.set_token_grant("stranger", TokenGrant(login="stranger", role=None))

    def listed(headers: dict[str, str]) -> set[str]:
        response = requests.get(f"{sandbox.url}/orgs/{ORG}/repos", headers=headers, params={"per_page": 100})
        assert response.status_code == 200
        return {repo["name"] for repo in response.json()}

    assert created.status_code == 201
    assert "brand-new" in listed({"Authorization": "token test-token"})
    assert ("brand-new" in listed({"Authorization": "token stranger"})) is not private
    assert ("brand-new" in listed({})) is not private
