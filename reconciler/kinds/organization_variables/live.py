"""Organisation Actions variables on GitHub: name, value and visibility, and the REST calls
that create, change and delete them (an organisation admin's: `admin:org`, or an App's
organisation permission "Variables")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reconciler.github.parse import Wire, parse_items
from reconciler.github.paths import org_path
from reconciler.github.port import Call, GitHubReader, GitHubWriter
from reconciler.kinds.organization_access import Family

FAMILY: Family = "variables"
# GitHub's maximum for variable lists.
PER_PAGE = 30


@dataclass(frozen=True)
class LiveOrganizationVariable:
    name: str
    value: str
    visibility: str
    updated_at: str | None


class _Variable(Wire):
    name: str
    value: str
    visibility: str = "all"
    updated_at: str | None = None


def list_organization_variables(reader: GitHubReader, organization: str) -> list[LiveOrganizationVariable]:
    path = org_path(organization, "actions", "variables")
    call = Call("list organisation variables", organization)
    items = reader.get_all(path, call, list_key="variables", per_page=PER_PAGE)
    return [
        LiveOrganizationVariable(v.name, v.value, v.visibility, v.updated_at)
        for v in parse_items(_Variable, items, call, f"GET {path}")
    ]


def create_organization_variable(
    writer: GitHubWriter, organization: str, name: str, value: str, visibility: str
) -> None:
    """A new `selected` variable starts with an empty access list: the plan adds each repository."""
    body: dict[str, Any] = {"name": name, "value": value, "visibility": visibility}
    if visibility == "selected":
        body["selected_repository_ids"] = []
    path = org_path(organization, "actions", "variables")
    writer.send("POST", path, Call(f"create organisation variable {name!r}", organization), body=body, creates=True)


def update_organization_variable(
    writer: GitHubWriter, organization: str, name: str, value: str, visibility: str
) -> None:
    body = {"name": name, "value": value, "visibility": visibility}
    path = org_path(organization, "actions", "variables", name)
    writer.send("PATCH", path, Call(f"update organisation variable {name!r}", organization), body=body)


def delete_organization_variable(writer: GitHubWriter, organization: str, name: str) -> None:
    path = org_path(organization, "actions", "variables", name)
    writer.send("DELETE", path, Call(f"delete organisation variable {name!r}", organization))
