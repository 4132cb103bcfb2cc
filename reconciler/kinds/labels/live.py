"""Labels on GitHub: the value a listing gives, and the REST calls that read and write them.

A label's name is one path segment however it is spelt (`area: api/v2 + 🚀`), so it is
percent-encoded in full. A rename is a PATCH with `new_name`, which keeps the label's id and
so every issue and pull request that carries it.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.errors import ValidationFailedError
from reconciler.github.parse import Wire, parse_items
from reconciler.github.paths import repo_path
from reconciler.github.port import Call, GitHubReader, GitHubWriter
from reconciler.kinds.labels.spec import normal_colour

PER_PAGE = 100


@dataclass(frozen=True)
class LiveLabel:
    """A label as GitHub returns it, not yet normalised."""

    name: str
    color: str
    description: str | None


class _Label(Wire):
    name: str
    color: str
    description: str | None = None


def list_labels(reader: GitHubReader, repository: str, *, fresh: bool = False) -> list[LiveLabel]:
    path = repo_path(repository, "labels")
    call = Call("list labels", repository, fresh=fresh)
    items = reader.get_all(path, call, per_page=PER_PAGE)
    return [
        LiveLabel(found.name, found.color, found.description)
        for found in parse_items(_Label, items, call, f"GET {path}")
    ]


def create_label(writer: GitHubWriter, repository: str, *, name: str, color: str, description: str) -> None:
    path = repo_path(repository, "labels")
    payload = {"name": name, "color": color, "description": description}
    try:
        writer.send("POST", path, Call(f"create label {name!r}", repository), body=payload, creates=True)
    except ValidationFailedError as exc:
        # A POST retried after a 5xx may have landed the first time: if what exists now is
        # exactly what we asked for, the create succeeded.
        if not exc.already_exists or not _exists_as(writer, repository, name, color, description):
            raise


def update_label(
    writer: GitHubWriter, repository: str, current_name: str, *, name: str, color: str, description: str
) -> None:
    payload = {"new_name": name, "color": color, "description": description}
    path = repo_path(repository, "labels", current_name)
    writer.send("PATCH", path, Call(f"update label {current_name!r}", repository), body=payload)


def delete_label(writer: GitHubWriter, repository: str, name: str) -> None:
    writer.send("DELETE", repo_path(repository, "labels", name), Call(f"delete label {name!r}", repository))


def _exists_as(reader: GitHubReader, repository: str, name: str, color: str, description: str) -> bool:
    """Whether the label `name` exists with this colour (as GitHub compares colours) and description."""
    for live in list_labels(reader, repository, fresh=True):
        if live.name == name:
            return normal_colour(live.color) == normal_colour(color) and (live.description or "") == description
    return False
