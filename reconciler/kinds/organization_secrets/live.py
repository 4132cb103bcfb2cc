"""Organisation Actions secrets on GitHub: names, visibility and when each was set (values can
never be read), and the REST calls that set, re-scope and delete them.

A value leaves this process only sealed for the organisation's public key, and is registered
for redaction before anything is sent. Only an organisation admin may do any of this: a classic
token needs `admin:org`, an App the organisation permission "Secrets".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reconciler.github.parse import Wire, parse, parse_items
from reconciler.github.paths import org_path, repo_path
from reconciler.github.port import Call, GitHubReader, GitHubWriter
from reconciler.github.sealing import seal
from reconciler.kinds.organization_access import Family
from reconciler.redaction import register

FAMILY: Family = "secrets"


@dataclass(frozen=True)
class LiveOrganizationSecret:
    name: str
    visibility: str
    updated_at: str | None


@dataclass(frozen=True)
class OrganizationKey:
    key_id: str
    key: str


class _Secret(Wire):
    name: str
    visibility: str = "all"
    updated_at: str | None = None


class _Key(Wire):
    key_id: str
    key: str


def list_organization_secrets(reader: GitHubReader, organization: str) -> list[LiveOrganizationSecret]:
    path = org_path(organization, "actions", "secrets")
    call = Call("list organisation secrets", organization)
    items = reader.get_all(path, call, list_key="secrets")
    return [LiveOrganizationSecret(s.name, s.visibility, s.updated_at) for s in parse_items(_Secret, items, call, path)]


def read_organization_key(reader: GitHubReader, organization: str) -> OrganizationKey:
    path = org_path(organization, "actions", "secrets", "public-key")
    call = Call("read the organisation's secrets key", organization, fresh=True)
    found = parse(_Key, reader.get(path, call).body, call, f"GET {path}")
    return OrganizationKey(found.key_id, found.key)


def put_organization_secret(
    writer: GitHubWriter,
    organization: str,
    name: str,
    visibility: str,
    *,
    value: str | None = None,
    key: OrganizationKey | None = None,
    creates: bool = False,
) -> None:
    """Set the secret's value (sealed) and visibility, or with no value its visibility alone.
    A new `selected` secret starts with an empty access list: the plan adds each repository."""
    body: dict[str, Any] = {"visibility": visibility}
    if value is not None and key is not None:
        register(value)
        body |= {"encrypted_value": seal(key.key, value), "key_id": key.key_id}
    if creates and visibility == "selected":
        body["selected_repository_ids"] = []
    path = org_path(organization, "actions", "secrets", name)
    writer.send("PUT", path, Call(f"set organisation secret {name!r}", organization), body=body, creates=creates)


def delete_organization_secret(writer: GitHubWriter, organization: str, name: str) -> None:
    path = org_path(organization, "actions", "secrets", name)
    writer.send("DELETE", path, Call(f"delete organisation secret {name!r}", organization))


class _Shared(Wire):
    name: str


def list_shared_secrets(reader: GitHubReader, repository: str) -> list[str]:
    """The names of the organisation secrets a repository gets (by visibility and access list)."""
    path = repo_path(repository, "actions", "organization-secrets")
    call = Call("list organisation secrets shared with the repository", repository)
    items = reader.get_all(path, call, list_key="secrets")
    return [s.name for s in parse_items(_Shared, items, call, f"GET {path}")]
