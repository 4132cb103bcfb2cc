"""``/repos/{owner}/{repo}/actions/secrets``: write-only values, sealed to the repository's key.

Each repository has a real Curve25519 key pair. A PUT really opens the sealed box, so a client
that sealed the wrong thing (or with the wrong key) is caught here. What arrived is kept only as
a salted digest: the sandbox's state, its state file and its responses never hold a value.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import Any

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, SealedBox

from ..org_actions import OrgActions
from ..pagination import paginate_counted
from ..protocol import ApiError, RequestContext, Response, validation_failed
from ..routing import Router
from ..state import RepoState, Secret, SecretKeyPair

DOCS = "https://docs.github.com/rest/actions/secrets"
# GitHub's rule for secret and variable names; compared case-insensitively.
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
RESERVED_PREFIX = "GITHUB_"
NAME_RULES = (
    "Names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_), "
    "must not start with a number and must not start with the GITHUB_ prefix."
)
# Every secret route needs the classic `repo` scope, reads included.
REPO_SCOPE = ("repo",)


def register(router: Router) -> None:
    prefix = "/repos/{owner}/{repo}/actions/secrets"
    add = router.add
    add("GET", prefix, list_secrets, docs=f"{DOCS}#list-repository-secrets", required_scopes=REPO_SCOPE)
    # Before {secret_name}, which would otherwise match "public-key".
    add(
        "GET",
        f"{prefix}/public-key",
        get_public_key,
        docs=f"{DOCS}#get-a-repository-public-key",
        required_scopes=REPO_SCOPE,
    )
    add(
        "GET",
        f"{prefix}/{{secret_name}}",
        get_secret,
        docs=f"{DOCS}#get-a-repository-secret",
        required_scopes=REPO_SCOPE,
    )
    add(
        "PUT",
        f"{prefix}/{{secret_name}}",
        put_secret,
        docs=f"{DOCS}#create-or-update-a-repository-secret",
        required_scopes=REPO_SCOPE,
    )
    add(
        "DELETE",
        f"{prefix}/{{secret_name}}",
        delete_secret,
        docs=f"{DOCS}#delete-a-repository-secret",
        required_scopes=REPO_SCOPE,
    )


def valid_name(name: str) -> bool:
    return bool(NAME.match(name)) and not name.upper().startswith(RESERVED_PREFIX)


def key_pair(repo: RepoState | OrgActions) -> tuple[SecretKeyPair, bool]:
    """The repository's (or organisation's) key pair, made on first use; True when it was just made."""
    if repo.secret_key is not None:
        return repo.secret_key, False
    private = PrivateKey.generate()
    public = bytes(private.public_key)
    # GitHub's key ids are long decimal strings.
    key_id = str(int.from_bytes(hashlib.sha256(public).digest()[:8], "big") % 10**18).rjust(18, "0")
    repo.secret_key = SecretKeyPair(
        key_id=key_id,
        public_key=base64.b64encode(public).decode(),
        private_key=base64.b64encode(bytes(private)).decode(),
    )
    return repo.secret_key, True


def _render(secret: Secret) -> dict[str, Any]:
    return {"name": secret.name, "created_at": secret.created_at, "updated_at": secret.updated_at}


def _existing(repo: RepoState, name: str) -> Secret:
    found = repo.find_secret(name)
    if found is None:
        raise ApiError(404, "Not Found")
    return found


# -- handlers -----------------------------------------------------------------------------------


def list_secrets(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    ordered = sorted(repo.secrets, key=lambda s: s.name)
    return paginate_counted(ctx, ordered, _render, list_key="secrets")


def get_public_key(ctx: RequestContext) -> Response:
    pair, made = key_pair(ctx.repo())
    return Response(200, {"key_id": pair.key_id, "key": pair.public_key}, mutated=made)


def get_secret(ctx: RequestContext) -> Response:
    secret = _existing(ctx.repo(), ctx.params["secret_name"])
    return Response(200, _render(secret), last_modified=secret.updated_at)


def open_sealed(pair: SecretKeyPair, encrypted_value: str) -> bytes:
    try:
        sealed = base64.b64decode(encrypted_value, validate=True)
        private = PrivateKey(base64.b64decode(pair.private_key))
        return bytes(SealedBox(private).decrypt(sealed))
    except (binascii.Error, ValueError, CryptoError):
        # Deliberately vague, like any server that cannot open a box: no detail about why.
        raise validation_failed(
            "Secret", "invalid", "encrypted_value", "encrypted_value could not be decrypted"
        ) from None


def put_secret(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    name = ctx.params["secret_name"]
    if not valid_name(name):
        raise validation_failed("Secret", "invalid", "name", NAME_RULES)
    data = ctx.json_object()
    for required in ("encrypted_value", "key_id"):
        if not isinstance(data.get(required), str):
            raise validation_failed("Secret", "missing_field", required)
    pair, _ = key_pair(repo)
    if data["key_id"] != pair.key_id:
        raise validation_failed("Secret", "invalid", "key_id", "key_id does not match the repository's key")
    value = open_sealed(pair, data["encrypted_value"])
    created = repo.store_secret(name, value)
    # 201 with an empty object on create, 204 on update, as GitHub documents.
    return Response(201, {}, mutated=True) if created else Response(204, mutated=True)


def delete_secret(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    repo.secrets.remove(_existing(repo, ctx.params["secret_name"]))
    return Response(204, mutated=True)
