"""Actions secrets on GitHub: names and when each was set (values can never be read), and the
REST calls that set and delete them.

A value leaves this process only sealed for the repository's public key. It is registered for
redaction before anything is sent, so no error, log or report can show it, whatever a server
echoes back.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from pydantic import field_validator

from reconciler.github.parse import Wire, parse, parse_items
from reconciler.github.paths import repo_path
from reconciler.github.port import Call, GitHubReader, GitHubWriter
from reconciler.github.sealing import seal
from reconciler.redaction import register


@dataclass(frozen=True)
class LiveSecret:
    """An Actions secret as GitHub lists it: a name and when it was set. Values cannot be read."""

    name: str
    updated_at: str | None


# GitHub seals Actions secrets with libsodium sealed boxes for a Curve25519 public key.
KEY_BYTES = 32


@dataclass(frozen=True)
class PublicKey:
    """What a repository's secrets are sealed for."""

    key_id: str
    key: str  # base64 Curve25519 public key


class _Secret(Wire):
    name: str
    updated_at: str | None = None


class _PublicKey(Wire):
    key_id: str
    key: str

    @field_validator("key")
    @classmethod
    def _curve25519(cls, value: str) -> str:
        # Sealing for anything else would fail deep inside libsodium (or seal for the wrong
        # key): a key that is not 32 bytes of base64 is a wrong answer from the server.
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("not base64") from None
        if len(raw) != KEY_BYTES:
            raise ValueError(f"{len(raw)} bytes, not a {KEY_BYTES}-byte Curve25519 key")
        return value


def list_secrets(reader: GitHubReader, repository: str) -> list[LiveSecret]:
    path = repo_path(repository, "actions", "secrets")
    call = Call("list secrets", repository)
    items = reader.get_all(path, call, list_key="secrets")
    return [LiveSecret(s.name, s.updated_at) for s in parse_items(_Secret, items, call, f"GET {path}")]


def read_public_key(reader: GitHubReader, repository: str) -> PublicKey:
    path = repo_path(repository, "actions", "secrets", "public-key")
    call = Call("read the secrets' public key", repository, fresh=True)
    found = parse(_PublicKey, reader.get(path, call).body, call, f"GET {path}")
    return PublicKey(found.key_id, found.key)


def put_secret(
    writer: GitHubWriter, repository: str, name: str, value: str, key: PublicKey, *, creates: bool = False
) -> None:
    """Seal `value` for `key` and store it (create or replace; `creates` when it is new, which
    counts against the content-creation limit). Messages and errors name the secret, never its value."""
    register(value)
    body = {"encrypted_value": seal(key.key, value), "key_id": key.key_id}
    path = repo_path(repository, "actions", "secrets", name)
    writer.send("PUT", path, Call(f"set secret {name!r}", repository), body=body, creates=creates)


def delete_secret(writer: GitHubWriter, repository: str, name: str) -> None:
    path = repo_path(repository, "actions", "secrets", name)
    writer.send("DELETE", path, Call(f"delete secret {name!r}", repository))
