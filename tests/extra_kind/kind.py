"""The repository-file kind: identity is the path, equality is the git blob id; observe with
one contents read per declared file, apply with one PUT or DELETE per change."""

from __future__ import annotations

import base64
from collections.abc import Sequence

from reconciler.desired.state import EffectiveRepository
from reconciler.errors import NotFoundError
from reconciler.github.parse import Wire, parse
from reconciler.github.paths import file_segments, repo_path
from reconciler.github.port import Call, GitHubReader, GitHubWriter
from reconciler.gitobjects import blob_sha
from reconciler.kinds.base import Outcome, absent, apply_each, one_write_each
from reconciler.plan.cost import RequestCost
from reconciler.plan.frozen import JsonScalar
from reconciler.plan.model import Action, Change
from reconciler.plan.reasons import Reason
from reconciler.plan.settings import PlanSettings
from tests.extra_kind.block import FILES_BLOCK, KEY, PREFIX, DesiredFile

KIND = "repository-file"
COMMIT_MESSAGE = "reconciler: {verb} {path}"


class _Contents(Wire):
    sha: str
    size: int


def _contents(repository: str, path: str) -> str:
    return repo_path(repository, "contents", *file_segments(path))


def _read(reader: GitHubReader, repository: str, path: str) -> dict[str, JsonScalar] | None:
    call = Call(f"read {path}", repository)
    try:
        found = parse(_Contents, reader.get(_contents(repository, path), call).body, call)
    except NotFoundError:
        return None
    return {"path": path, "sha": found.sha, "size": found.size}


class RepositoryFilesKind:
    name = KIND
    plural = "repository files"
    blocks = (FILES_BLOCK,)
    address = PREFIX
    role = "push"
    uninstalls = True
    importer = None

    def scopes(self, private: bool) -> tuple[str, ...]:
        return ("repo",) if private else ("public_repo",)

    def desired(self, repository: EffectiveRepository, settings: PlanSettings) -> tuple[DesiredFile, ...] | None:
        found: tuple[DesiredFile, ...] | None = repository.block(KEY)
        return found

    def observe(
        self, reader: GitHubReader, repository: str, desired: tuple[DesiredFile, ...]
    ) -> dict[str, dict[str, JsonScalar] | None]:
        return {item.path: _read(reader, repository, item.path) for item in desired}

    def diff(
        self, repository: str, desired: tuple[DesiredFile, ...], observed: dict[str, dict[str, JsonScalar] | None]
    ) -> list[Change]:
        changes = []
        for item in desired:
            live = observed.get(item.path)
            if item.ensure == "absent":
                action, reason = absent(live is not None)
                changes.append(Change.make(repository, KIND, item.path, action, live, None, reason))
                continue
            assert item.content is not None, "the loader read the source"
            after: dict[str, JsonScalar] = {"path": item.path, "sha": blob_sha(item.content), "size": len(item.content)}
            content = base64.b64encode(item.content).decode("ascii")
            if live is None:
                changes.append(
                    Change.make(
                        repository, KIND, item.path, Action.CREATE, None, after, Reason.MISSING, content=content
                    )
                )
            elif live["sha"] != after["sha"]:
                changes.append(
                    Change.make(
                        repository, KIND, item.path, Action.UPDATE, live, after, Reason.DIFFERS, content=content
                    )
                )
            else:
                changes.append(Change.make(repository, KIND, item.path, Action.NOOP, live, after, Reason.MATCHES))
        return changes

    def apply(self, writer: GitHubWriter, repository: str, changes: Sequence[Change]) -> list[Outcome]:
        return apply_each(changes, lambda change: _write(writer, repository, change))

    def cost(self, changes: Sequence[Change]) -> RequestCost:
        # A contents PUT or DELETE each; a new file creates content.
        return one_write_each(changes, creating=lambda c: c.action is Action.CREATE)


def _write(writer: GitHubWriter, repository: str, change: Change) -> None:
    path = _contents(repository, change.key)
    sha = change.before["sha"] if change.before else None
    call = Call(f"{change.action.value} {change.key}", repository)
    if change.action is Action.DELETE:
        body = {"message": COMMIT_MESSAGE.format(verb="delete", path=change.key), "sha": sha}
        writer.send("DELETE", path, call, body=body)
        return
    body = {"message": COMMIT_MESSAGE.format(verb=change.action.value, path=change.key), "content": change.content}
    if sha is not None:
        body["sha"] = sha
    writer.send("PUT", path, call, body=body, creates=change.action is Action.CREATE)


FILES = RepositoryFilesKind()
