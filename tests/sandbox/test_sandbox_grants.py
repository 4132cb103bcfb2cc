"""Token grants: the owner's role on repositories, fine-grained tokens, revoked tokens."""

from __future__ import annotations

import requests

from reconciler.sandbox import Sandbox
from reconciler.sandbox.persistence import load_state
from reconciler.sandbox.state import TokenGrant

KERNEL = "Sovereign-Operating-System/sovereign-kernel"


def call(sandbox: Sandbox, token: str, method: str, path: str, body: object = None) -> requests.Response:
    return requests.request(
        method, f"{sandbox.url}/repos/{KERNEL}{path}", headers={"Authorization": f"token {token}"}, json=body
    )


def test_without_a_grant_a_token_is_an_admin_with_the_default_scopes(sandbox: Sandbox) -> None:
    response = call(sandbox, "anything", "GET", "")
    assert response.json()["permissions"] == {
        "admin": True,
        "maintain": True,
        "push": True,
        "triage": True,
        "pull": True,
    }
    assert response.headers["X-OAuth-Scopes"] == "repo, workflow, read:org"


def test_the_role_sets_the_permissions_shown_and_the_writes_allowed(sandbox: Sandbox) -> None:
    sandbox.set_token_grant("reader", TokenGrant(role="pull"))
    sandbox.set_token_grant("writer", TokenGrant(role="push"))

    shown = call(sandbox, "reader", "GET", "").json()["permissions"]
    assert shown == {"admin": False, "maintain": False, "push": False, "triage": False, "pull": True}
    assert call(sandbox, "writer", "GET", "").json()["permissions"]["push"] is True

    label = {"name": "from-a-reader", "color": "ffffff"}
    refused = call(sandbox, "reader", "POST", "/labels", label)
    assert refused.status_code == 403
    assert refused.json()["message"] == "Must have push access to repository."
    # Reading and opening issues need no more than read access, as on GitHub.
    assert call(sandbox, "reader", "GET", "/labels").status_code == 200
    assert call(sandbox, "reader", "POST", "/issues", {"title": "Hello"}).status_code == 201

    assert call(sandbox, "writer", "POST", "/labels", {"name": "from-a-writer", "color": "ffffff"}).status_code == 201
    variable = call(sandbox, "writer", "POST", "/actions/variables", {"name": "X", "value": "1"})
    assert variable.status_code == 403
    assert variable.json()["message"] == "Must have admin rights to Repository."
    with sandbox.state.lock:
        repo = sandbox.state.find_repo("Sovereign-Operating-System", "sovereign-kernel")
        assert repo is not None and repo.find_label("from-a-reader") is None


def test_a_fine_grained_token_sends_no_scopes_and_is_refused_like_one(sandbox: Sandbox) -> None:
    sandbox.set_token_grant("fine", TokenGrant(role="triage", fine_grained=True))

    read = call(sandbox, "fine", "GET", "")
    assert "X-OAuth-Scopes" not in read.headers
    assert read.json()["permissions"]["triage"] is True and read.json()["permissions"]["push"] is False
    refused = call(sandbox, "fine", "PUT", "/actions/workflows/autonomous-agent-loop.yml/enable")
    assert refused.status_code == 403
    assert refused.json()["message"] == "Resource not accessible by personal access token"
    assert "X-OAuth-Scopes" not in refused.headers


def test_a_write_to_a_missing_repository_is_still_a_404(sandbox: Sandbox) -> None:
    sandbox.set_token_grant("reader", TokenGrant(role="pull"))
    response = requests.post(
        f"{sandbox.url}/repos/Sovereign-Operating-System/no-such-repo/labels",
        headers={"Authorization": "token reader"},
        json={"name": "x", "color": "ffffff"},
    )
    assert response.status_code == 404


def test_grants_are_saved_and_can_be_forgotten(sandbox: Sandbox) -> None:
    assert sandbox.state_file is not None
    sandbox.set_token_grant("t", TokenGrant(scopes=["read:org"], role="pull", fine_grained=True, valid=False))
    saved = load_state(sandbox.state_file).tokens["t"]
    assert (saved.scopes, saved.role, saved.fine_grained, saved.valid) == (["read:org"], "pull", True, False)
    assert call(sandbox, "t", "GET", "").status_code == 401

    sandbox.set_token_grant("t", None)
    assert "t" not in load_state(sandbox.state_file).tokens
    assert call(sandbox, "t", "GET", "").status_code == 200
