"""Applying workflow-file changes: every change of a repository in one commit through the Git
Data API, on the default branch or on the `reconciler/sync` branch with a pull request.

It never overwrites a change it did not plan: if a file moved since the plan, the repository
is reported and left alone.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

from reconciler.errors import ConflictError, GitHubError, ReconcilerError
from reconciler.github import git_data
from reconciler.github.git_data import TreeEntry
from reconciler.github.issues import create_issue_comment, update_issue
from reconciler.github.port import GitHubWriter
from reconciler.github.repositories import get_repository
from reconciler.kinds.workflows.files import COMMIT_ATTEMPTS, SYNC_BRANCH, WORKFLOWS_DIRECTORY
from reconciler.plan.cost import NOTHING, RequestCost, writes
from reconciler.plan.model import Action, Change

COMMIT_TITLE = "reconciler: sync workflow files"


def _commit_message(changes: Sequence[Change]) -> str:
    lines = [COMMIT_TITLE, ""]
    lines += [f"- {c.action.value} {c.key}" for c in changes]
    lines += ["", "Made by reconciler from the desired state; edit it there, not here."]
    return "\n".join(lines)


def explain_refusal(exc: GitHubError) -> str:
    """Turn GitHub's terse refusal of a workflow write into what to fix."""
    scopes = exc.token_scopes
    if scopes is not None and "workflow" not in scopes:
        have = ", ".join(scopes) or "none"
        return (
            "the token lacks the 'workflow' scope, which GitHub requires to create, change or delete files "
            f"under .github/workflows/ (its scopes: {have}). Add the scope to the token and re-run apply."
        )
    return (
        f"GitHub refused to write under .github/workflows/ (HTTP {exc.status}: {exc.detail}). "
        "Writing workflow files needs the 'workflow' scope on a classic token, or the "
        "Workflows: read and write permission on a fine-grained token or GitHub App."
    )


class Moved(Exception):
    """Files the plan touches changed on GitHub since the plan."""


def _check_unmoved(writer: GitHubWriter, repository: str, head: str, changes: Sequence[Change]) -> None:
    listed = git_data.list_directory(writer, repository, WORKFLOWS_DIRECTORY, ref=head)
    current = {f.path: f.sha for f in listed}
    moved = []
    for change in changes:
        planned = change.before["sha"] if change.before else None
        if current.get(change.key) != planned:
            now = current.get(change.key) or "absent"
            moved.append(f"{change.key} is now {now}, planned from {planned or 'absent'}")
    if moved:
        raise Moved("; ".join(moved))


def _tree_entries(writer: GitHubWriter, repository: str, changes: Sequence[Change]) -> list[TreeEntry]:
    """Blobs for the new bodies, made once: they do not depend on which head they land on."""
    entries = []
    for change in changes:
        if change.action is Action.DELETE:
            entries.append(TreeEntry(change.key, None))
            continue
        assert change.content is not None and change.after is not None
        sha = git_data.create_blob(writer, repository, base64.b64decode(change.content))
        if sha != change.after["sha"]:
            raise ReconcilerError(f"GitHub stored {change.key} as {sha}, expected {change.after['sha']}")
        entries.append(TreeEntry(change.key, sha))
    return entries


def commit_changes(writer: GitHubWriter, repository: str, changes: Sequence[Change], via: str) -> str:
    """Write the changes in one commit; returns a note for the report."""
    base = get_repository(writer, repository).default_branch
    message = _commit_message(changes)
    entries: list[TreeEntry] | None = None
    note = ""
    for _attempt in range(COMMIT_ATTEMPTS):
        head = git_data.get_branch_head(writer, repository, base)
        if head is None:
            raise ReconcilerError(f"the default branch {base} does not exist")
        _check_unmoved(writer, repository, head, changes)
        entries = entries if entries is not None else _tree_entries(writer, repository, changes)
        tree = git_data.create_tree(writer, repository, git_data.get_commit(writer, repository, head).tree, entries)
        if via == "pull-request":
            return _push_pull_request(writer, repository, base, _Proposal(head, tree, message), changes)
        commit = git_data.create_commit(writer, repository, message, tree, [head])
        try:
            git_data.update_branch(writer, repository, base, commit)
        except ConflictError:
            # Someone committed between our read and our write: re-read, and commit on top of
            # their change if it did not touch our files.
            note = f" ({base} moved during apply; re-read and committed on top)"
            continue
        return f"committed {commit[:7]} to {base}{note}"
    raise ConflictError(f"{base} kept moving during apply; nothing was written. Re-run apply.", repository=repository)


def commit_cost(changes: Sequence[Change], via: str) -> RequestCost:
    """What `commit_changes` sends for these file changes, when nothing moves under it: the
    repository, the branch head, the directory at that head and the head commit are read; a
    blob per new body, a tree and a commit are created; the branch is moved. Through a pull
    request it also reads the sync branch and looks for its pull request, and creates the
    branch and the pull request (the most it can cost)."""
    if not changes:
        return NOTHING
    blobs = sum(1 for c in changes if c.action is not Action.DELETE)
    if via == "pull-request":
        return writes(blobs + 4, creates=blobs + 4, reads=6)
    return writes(blobs + 3, creates=blobs + 2, reads=4)


# Closing a stale sync pull request: a comment (content) and the issue's state.
CLOSE_COST = writes(2, creates=1)


@dataclass(frozen=True)
class _Proposal:
    """The commit the sync branch should hold: this tree on top of this default-branch head."""

    parent: str
    tree: str
    message: str


def _push_sync_branch(writer: GitHubWriter, repository: str, proposal: _Proposal) -> bool:
    """Make reconciler/sync hold the proposal; False when it already does (nothing pushed)."""
    existing = git_data.get_branch_head(writer, repository, SYNC_BRANCH)
    if existing is None:
        commit = git_data.create_commit(writer, repository, proposal.message, proposal.tree, [proposal.parent])
        git_data.create_branch(writer, repository, SYNC_BRANCH, commit)
        return True
    current = git_data.get_commit(writer, repository, existing)
    if not current.message.startswith(COMMIT_TITLE):
        # Someone pushed to the sync branch: moving it by force would throw their work away.
        raise ConflictError(
            f"{SYNC_BRANCH} has a commit reconciler did not make ({current.sha[:7]}: "
            f"{current.message.splitlines()[0] if current.message else 'no message'!r}); move that work to another "
            f"branch or delete {SYNC_BRANCH}, then apply again",
            repository=repository,
        )
    if current.tree == proposal.tree and current.parents == (proposal.parent,):
        # A re-run with nothing new: pushing an identical commit would only re-trigger the PR's checks.
        return False
    commit = git_data.create_commit(writer, repository, proposal.message, proposal.tree, [proposal.parent])
    # The sync branch only ever holds reconciler's commit: moving it by force is the point.
    git_data.update_branch(writer, repository, SYNC_BRANCH, commit, force=True)
    return True


def _push_pull_request(
    writer: GitHubWriter, repository: str, base: str, proposal: _Proposal, changes: Sequence[Change]
) -> str:
    pushed = _push_sync_branch(writer, repository, proposal)
    title = COMMIT_TITLE
    body = "\n".join(
        [
            "reconciler found these workflow files out of date with the desired state:",
            "",
            *[f"- {c.action.value} `{c.key}`" for c in changes],
            "",
            "Merging this pull request makes the repository match. reconciler updates it on every apply",
            "until then, and closes it if the repository comes to match by other means.",
        ]
    )
    pull = git_data.find_open_pull_request(writer, repository, SYNC_BRANCH)
    if pull is not None:
        # A pull request is an issue too: its title and body are edited through the issue.
        update_issue(writer, repository, pull.number, title=title, body=body)
        return f"updated pull request #{pull.number}" if pushed else f"pull request #{pull.number} already up to date"
    number = git_data.create_pull_request(writer, repository, head=SYNC_BRANCH, base=base, title=title, body=body)
    return f"opened pull request #{number}"


def close_stale(writer: GitHubWriter, repository: str, change: Change) -> None:
    assert change.before is not None
    number = int(str(change.before["pull_request"]))
    create_issue_comment(
        writer,
        repository,
        number,
        "reconciler: the repository already matches the desired state, so this sync pull request is no "
        "longer needed. Closing it.",
    )
    update_issue(writer, repository, number, state="closed")
