"""Workflow files under .github/workflows/, pure and observed: identity is the path, equality
is the git blob id.

Observing lists the directory once and downloads only files whose blob id differs from the
desired bytes', so an unchanged file costs nothing.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from reconciler.github.git_data import LiveFile, LivePullRequest, find_open_pull_request, get_file, list_directory
from reconciler.github.port import GitHubReader
from reconciler.gitobjects import blob_sha
from reconciler.kinds.workflows.block import DesiredWorkflows
from reconciler.plan.frozen import JsonScalar
from reconciler.plan.model import Action, Change
from reconciler.plan.reasons import Reason
from reconciler.textdiff import unified_diff

KIND = "workflow-file"
WORKFLOWS_DIRECTORY = ".github/workflows"
SYNC_BRANCH = "reconciler/sync"
PULL_REQUEST_KEY = f"pull-request:{SYNC_BRANCH}"
# How often apply re-reads and retries when the default branch moves under it.
COMMIT_ATTEMPTS = 3


@dataclass(frozen=True)
class ObservedFiles:
    files: dict[str, LiveFile]
    # Live bodies, fetched only for files whose blob id differs from the desired one.
    contents: dict[str, bytes]
    pull_request: LivePullRequest | None


def _file_state(entry: LiveFile | None) -> dict[str, JsonScalar] | None:
    return None if entry is None else {"path": entry.path, "sha": entry.sha, "size": entry.size}


def observe_files(reader: GitHubReader, repository: str, desired: DesiredWorkflows) -> ObservedFiles:
    return observe_listed(reader, repository, desired, tuple(list_directory(reader, repository, WORKFLOWS_DIRECTORY)))


def observe_listed(
    reader: GitHubReader, repository: str, desired: DesiredWorkflows, listed: tuple[LiveFile, ...]
) -> ObservedFiles:
    """What observing reads besides the directory's entries, which REST or GraphQL listed: the
    bodies of files whose blob id differs from the desired one, and the open sync pull request."""
    files = {f.path: f for f in listed}
    contents = {}
    for item in desired.items:
        live = files.get(item.path)
        if live is not None and item.content is not None and live.sha != blob_sha(item.content):
            contents[item.path] = get_file(reader, repository, item.path)
    pull_request = find_open_pull_request(reader, repository, SYNC_BRANCH) if desired.mode == "pull-request" else None
    return ObservedFiles(files, contents, pull_request)


def diff_files(repository: str, desired: DesiredWorkflows, observed: ObservedFiles) -> list[Change]:
    """Pure: one change per declared path, plus closing a stale sync pull request."""
    via = desired.mode
    pending = observed.pull_request
    if pending is not None:
        where = f"; lands through pull request #{pending.number}, which apply updates"
    elif via == "pull-request":
        where = f"; lands through a new pull request from {SYNC_BRANCH}"
    else:
        where = ""
    changes: list[Change] = []
    for item in desired.items:
        live = observed.files.get(item.path)
        before = _file_state(live)
        if item.ensure == "absent":
            if live is None:
                changes.append(
                    Change.make(
                        repository, KIND, item.path, Action.NOOP, None, None, Reason.ABSENT_AS_DECLARED, "absent"
                    )
                )
            else:
                text = Reason.DECLARED_ABSENT.text + where
                changes.append(
                    Change.make(
                        repository, KIND, item.path, Action.DELETE, before, None, Reason.DECLARED_ABSENT, text, via=via
                    )
                )
            continue
        assert item.content is not None, "the loader reads every present file's source"
        sha = blob_sha(item.content)
        after: dict[str, JsonScalar] = {"path": item.path, "sha": sha, "size": len(item.content)}
        if live is not None and live.sha == sha:
            changes.append(
                Change.make(repository, KIND, item.path, Action.NOOP, before, after, Reason.MATCHES, "up to date")
            )
            continue
        old = observed.contents.get(item.path) if live is not None else None
        changes.append(
            Change.make(
                repository,
                KIND,
                item.path,
                Action.CREATE if live is None else Action.UPDATE,
                before,
                after,
                Reason.MISSING if live is None else Reason.DIFFERS,
                ("missing" if live is None else f"differs from {item.source}") + where,
                diff=unified_diff(item.path, old, item.content),
                content=base64.b64encode(item.content).decode("ascii"),
                via=via,
            )
        )
    if pending is not None and not any(c.is_change for c in changes):
        state: dict[str, JsonScalar] = {
            "pull_request": pending.number,
            "branch": SYNC_BRANCH,
            "url": pending.url,
        }
        text = f"live already matches: close the stale sync pull request #{pending.number} with a comment"
        changes.append(
            Change.make(
                repository,
                KIND,
                PULL_REQUEST_KEY,
                Action.DELETE,
                state,
                None,
                Reason.STALE_PULL_REQUEST,
                text,
                via="pull-request",
            )
        )
    return changes
