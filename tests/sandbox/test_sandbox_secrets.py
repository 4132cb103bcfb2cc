"""Actions secrets as the sandbox serves them: real sealed boxes, only digests kept."""

from __future__ import annotations

import base64
from pathlib import Path

import requests
from github import Github
from nacl.public import PrivateKey, PublicKey, SealedBox

from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import RepoState, TokenGrant
from tests.sandbox.state_files import saved_bytes

ORG = "Sovereign-Operating-System"
KERNEL = f"{ORG}/sovereign-kernel"


def secrets_url(sandbox: Sandbox, name: str | None = None, slug: str = KERNEL) -> str:
    base = f"{sandbox.url}/repos/{slug}/actions/secrets"
    return base if name is None else f"{base}/{name}"


def kernel(sandbox: Sandbox) -> RepoState:
    repo = sandbox.state.find_repo(ORG, "sovereign-kernel")
    assert repo is not None
    return repo


def seal(http: requests.Session, sandbox: Sandbox, value: str) -> dict[str, str]:
    """Seal `value` the way GitHub's docs say clients must: libsodium sealed box, base64."""
    key = http.get(secrets_url(sandbox, "public-key")).json()
    box = SealedBox(PublicKey(base64.b64decode(key["key"])))
    return {
        "key_id": key["key_id"],
        "encrypted_value": base64.b64encode(box.encrypt(value.encode())).decode(),
    }


def test_public_key_is_a_real_curve25519_key_that_stays_the_same(sandbox: Sandbox, http: requests.Session) -> None:
    first = http.get(secrets_url(sandbox, "public-key"))
    again = http.get(secrets_url(sandbox, "public-key")).json()
    other = http.get(secrets_url(sandbox, "public-key", slug=f"{ORG}/agent-runtime")).json()

    assert first.status_code == 200
    body = first.json()
    assert len(base64.b64decode(body["key"])) == 32
    assert body["key_id"].isdigit()
    assert again == body
    assert other["key"] != body["key"]


def test_put_opens_the_sealed_box_201_on_create_and_204_on_update(sandbox: Sandbox, http: requests.Session) -> None:
    created = http.put(secrets_url(sandbox, "CODEX_API_KEY"), json=seal(http, sandbox, "first value"))
    assert created.status_code == 201
    assert created.json() == {}
    assert kernel(sandbox).secret_matches("CODEX_API_KEY", "first value")
    assert not kernel(sandbox).secret_matches("CODEX_API_KEY", "something else")

    updated = http.put(secrets_url(sandbox, "codex_api_key"), json=seal(http, sandbox, "second value"))
    assert updated.status_code == 204
    assert updated.content == b""
    # Names are case-insensitive and stored upper-cased: still one secret.
    assert kernel(sandbox).secret_matches("CODEX_API_KEY", "second value")
    assert [s.name for s in kernel(sandbox).secrets].count("CODEX_API_KEY") == 1


def test_list_and_get_show_names_and_dates_never_values(sandbox: Sandbox, http: requests.Session) -> None:
    http.put(secrets_url(sandbox, "new_secret"), json=seal(http, sandbox, "hidden"))

    listed = http.get(secrets_url(sandbox)).json()
    one = http.get(secrets_url(sandbox, "New_Secret"))

    assert listed["total_count"] == len(listed["secrets"])
    assert {"AGENT_GITHUB_TOKEN", "CLAUDE_API_KEY", "NEW_SECRET"} <= {s["name"] for s in listed["secrets"]}
    assert one.status_code == 200
    assert set(one.json()) == {"name", "created_at", "updated_at"}
    assert "hidden" not in str(listed) and "hidden" not in one.text


def test_delete_is_204_then_404(sandbox: Sandbox, http: requests.Session) -> None:
    assert http.delete(secrets_url(sandbox, "agent_github_token")).status_code == 204
    assert http.get(secrets_url(sandbox, "AGENT_GITHUB_TOKEN")).status_code == 404
    assert http.delete(secrets_url(sandbox, "AGENT_GITHUB_TOKEN")).status_code == 404


def test_a_box_sealed_to_another_key_or_the_wrong_key_id_is_refused(sandbox: Sandbox, http: requests.Session) -> None:
    good = seal(http, sandbox, "value")
    stranger = SealedBox(PrivateKey.generate().public_key).encrypt(b"value")
    wrong_key = {"key_id": good["key_id"], "encrypted_value": base64.b64encode(stranger).decode()}
    wrong_id = {**good, "key_id": "1"}

    for body in (wrong_key, wrong_id):
        response = http.put(secrets_url(sandbox, "NOPE"), json=body)
        assert response.status_code == 422
    assert kernel(sandbox).find_secret("NOPE") is None


def test_bad_names_are_refused(sandbox: Sandbox, http: requests.Session) -> None:
    body = seal(http, sandbox, "v")
    for name in ("GITHUB_TOKEN", "1ABC", "has-dash"):
        assert http.put(secrets_url(sandbox, name), json=body).status_code == 422


def test_pygithub_create_secret_arrives_and_is_listed(sandbox: Sandbox, gh: Github) -> None:
    repo = gh.get_repo(KERNEL)
    repo.create_secret("FROM_PYGITHUB", "sealed by pygithub")

    assert kernel(sandbox).secret_matches("FROM_PYGITHUB", "sealed by pygithub")
    assert "FROM_PYGITHUB" in {s.name for s in repo.get_secrets()}


def test_secrets_need_the_repo_scope_even_to_read(sandbox: Sandbox) -> None:
    with sandbox.state.lock:
        sandbox.state.tokens["read-only"] = TokenGrant(scopes=["read:org"])
    response = requests.get(secrets_url(sandbox), headers={"Authorization": "token read-only"})
    assert response.status_code == 403


def test_state_file_holds_a_salted_digest_and_the_key_pair_survives_a_restart(
    tmp_path: Path, http: requests.Session
) -> None:
    state_file = tmp_path / "state.json"
    with Sandbox(state_file) as first:
        body = seal(http, first, "persisted value")
        assert http.put(secrets_url(first, "KEPT"), json=body).status_code == 201
        key = http.get(secrets_url(first, "public-key")).json()
    assert b"persisted value" not in saved_bytes(state_file)

    with Sandbox(state_file) as second:
        assert http.get(secrets_url(second, "public-key")).json() == key
        repo = second.state.find_repo(ORG, "sovereign-kernel")
        assert repo is not None and repo.secret_matches("KEPT", "persisted value")
