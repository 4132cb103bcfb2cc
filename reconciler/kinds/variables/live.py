"""Actions variables on GitHub: the value a listing gives, and the REST calls for them.

The list endpoint allows at most 30 a page (every other list we read allows 100). Creating a
name that exists is a 409: after a POST retried past a 5xx, that is our own first attempt when
the value there is ours.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.errors import ConflictError
from reconciler.github.parse import Wire, parse_items
from reconciler.github.paths import repo_path
from reconciler.github.port import Call, GitHubReader, GitHubWriter

# GitHub's maximum for the variables list.
PER_PAGE = 30


@dataclass(frozen=True)
class LiveVariable:
    """An Actions variable as GitHub returns it."""

    name: str
    value: str


class _Variable(Wire):
    name: str
    value: str


def list_variables(reader: GitHubReader, repository: str, *, fresh: bool = False) -> list[LiveVariable]:
    path = repo_path(repository, "actions", "variables")
    call = Call("list variables", repository, fresh=fresh)
    items = reader.get_all(path, call, list_key="variables", per_page=PER_PAGE)
    return [LiveVariable(v.name, v.value) for v in parse_items(_Variable, items, call, f"GET {path}")]


def create_variable(writer: GitHubWriter, repository: str, name: str, value: str) -> None:
    path = repo_path(repository, "actions", "variables")
    body = {"name": name, "value": value}
    try:
        writer.send("POST", path, Call(f"create variable {name!r}", repository), body=body, creates=True)
    except ConflictError:
        # 409: it exists. After a retried POST that is our own first attempt; anything
        # else (another value) is a real conflict for the next plan to show.
        if not _holds(writer, repository, name, value):
            raise


def update_variable(writer: GitHubWriter, repository: str, name: str, value: str) -> None:
    path = repo_path(repository, "actions", "variables", name)
    writer.send("PATCH", path, Call(f"update variable {name!r}", repository), body={"name": name, "value": value})


def delete_variable(writer: GitHubWriter, repository: str, name: str) -> None:
    path = repo_path(repository, "actions", "variables", name)
    writer.send("DELETE", path, Call(f"delete variable {name!r}", repository))


def _holds(reader: GitHubReader, repository: str, name: str, value: str) -> bool:
    """Whether the variable `name` (names compare case-insensitively) has exactly `value`."""
    wanted = name.casefold()
    return any(v.name.casefold() == wanted and v.value == value for v in list_variables(reader, repository, fresh=True))
