"""Files, branches, commits and pull requests: what a kind that manages files reads and writes.

Reading: a directory listing (blob ids, not bodies), a file's bytes (`Accept: ...raw`), a
branch head, a commit. Writing several files in one commit goes through the Git Data API:
blobs, a tree on top of the head's, a commit, then the ref moves (fast-forward only, unless
forced). Pull-request mode adds a branch and a pull request. Branch names may hold '/', which
stays a separator in a ref's path.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from reconciler.errors import ConflictError, NotFoundError, UnexpectedResponseError, ValidationFailedError
from reconciler.github.parse import Wire, parse, parse_items
from reconciler.github.paths import file_segments, repo_path
from reconciler.github.port import Call, GitHubReader, GitHubWriter

REGULAR_FILE = "100644"


@dataclass(frozen=True)
class LiveFile:
    """An entry of a directory listing: the blob id, not the content."""

    path: str
    sha: str
    size: int


@dataclass(frozen=True)
class LiveCommit:
    sha: str
    tree: str
    message: str
    parents: tuple[str, ...]


@dataclass(frozen=True)
class TreeEntry:
    """One path in a new tree: a blob id to write there, or None to delete it."""

    path: str
    sha: str | None


@dataclass(frozen=True)
class LivePullRequest:
    number: int
    url: str


class _Entry(Wire):
    type: str
    path: str
    sha: str
    size: int


class _Sha(Wire):
    sha: str


class _Ref(Wire):
    object: _Sha


class _Commit(Wire):
    sha: str
    tree: _Sha
    message: str | None = None
    parents: tuple[_Sha, ...] = ()


class _Pull(Wire):
    number: int
    html_url: str


def _contents(repository: str, path: str) -> str:
    return repo_path(repository, "contents", *file_segments(path))


def _branch_ref(repository: str, branch: str, ref: str = "ref") -> str:
    return repo_path(repository, "git", ref, "heads", *branch.split("/"))


def list_directory(reader: GitHubReader, repository: str, directory: str, ref: str | None = None) -> list[LiveFile]:
    """Files directly in `directory` (empty when it does not exist, or is a file)."""
    path = _contents(repository, directory)
    call = Call(f"list {directory}", repository)
    try:
        body = reader.get(path, call, query={"ref": ref} if ref else None).body
    except NotFoundError:
        return []
    if isinstance(body, dict):
        return []
    entries = parse_items(_Entry, body, call, f"GET {path}")
    return [LiveFile(e.path, e.sha, e.size) for e in entries if e.type == "file"]


def get_file(reader: GitHubReader, repository: str, path: str, ref: str | None = None) -> bytes:
    """A file's bytes. Files over 1 MB come too (the raw media type has no such limit)."""
    call = Call(f"read {path}", repository)
    try:
        return reader.get_raw(_contents(repository, path), call, query={"ref": ref} if ref else None)
    except UnexpectedResponseError as exc:
        # A 200 with JSON instead of bytes: GitHub lists a directory whatever Accept asked for.
        if exc.status != 200:
            raise
        raise NotFoundError(f"{path} is not a file", operation="read file", repository=repository) from None


def get_branch_head(reader: GitHubReader, repository: str, branch: str) -> str | None:
    """The commit a branch points at, or None when there is no such branch. Always asked
    afresh: apply re-reads it when the branch moved under it."""
    path = _branch_ref(repository, branch)
    call = Call(f"read branch {branch}", repository, fresh=True)
    try:
        reply = reader.get(path, call)
    except NotFoundError:
        return None
    return parse(_Ref, reply.body, call, f"GET {path}").object.sha


def get_commit(reader: GitHubReader, repository: str, commit_sha: str) -> LiveCommit:
    path = repo_path(repository, "git", "commits", commit_sha)
    call = Call("read commit", repository)
    found = parse(_Commit, reader.get(path, call).body, call, f"GET {path}")
    return LiveCommit(found.sha, found.tree.sha, found.message or "", tuple(p.sha for p in found.parents))


def _post_sha(writer: GitHubWriter, repository: str, operation: str, kind: str, payload: dict[str, Any]) -> str:
    path = repo_path(repository, "git", kind)
    call = Call(operation, repository)
    reply = writer.send("POST", path, call, body=payload, creates=True)
    return parse(_Sha, reply.body, call, f"POST {path}").sha


def create_blob(writer: GitHubWriter, repository: str, data: bytes) -> str:
    payload = {"content": base64.b64encode(data).decode("ascii"), "encoding": "base64"}
    return _post_sha(writer, repository, "create blob", "blobs", payload)


def create_tree(writer: GitHubWriter, repository: str, base_tree: str, entries: list[TreeEntry]) -> str:
    tree = [{"path": e.path, "mode": REGULAR_FILE, "type": "blob", "sha": e.sha} for e in entries]
    return _post_sha(writer, repository, "create tree", "trees", {"base_tree": base_tree, "tree": tree})


def create_commit(writer: GitHubWriter, repository: str, message: str, tree: str, parents: list[str]) -> str:
    payload = {"message": message, "tree": tree, "parents": parents}
    return _post_sha(writer, repository, "create commit", "commits", payload)


def update_branch(writer: GitHubWriter, repository: str, branch: str, sha: str, *, force: bool = False) -> None:
    """Move a branch; without force only a fast-forward is accepted (ConflictError otherwise)."""
    call = Call(f"move branch {branch}", repository)
    try:
        writer.send("PATCH", _branch_ref(repository, branch, "refs"), call, body={"sha": sha, "force": force})
    except ValidationFailedError as exc:
        if "fast forward" in exc.detail.lower():
            raise ConflictError(
                f"branch {branch} moved since it was read (not a fast-forward)",
                status=exc.status,
                operation=exc.operation,
                repository=repository,
            ) from None
        raise


def create_branch(writer: GitHubWriter, repository: str, branch: str, sha: str) -> None:
    path = repo_path(repository, "git", "refs")
    body = {"ref": f"refs/heads/{branch}", "sha": sha}
    # Not repeated after a 5xx: the branch may exist already; the next apply sees it.
    writer.send("POST", path, Call(f"create branch {branch}", repository), body=body, idempotent=False, creates=True)


def find_open_pull_request(reader: GitHubReader, repository: str, head_branch: str) -> LivePullRequest | None:
    path = repo_path(repository, "pulls")
    call = Call("find pull request", repository, fresh=True)
    owner = repository.split("/", 1)[0]
    reply = reader.get(path, call, query={"state": "open", "head": f"{owner}:{head_branch}"})
    pulls = parse_items(_Pull, reply.body, call, f"GET {path}")
    return LivePullRequest(pulls[0].number, pulls[0].html_url) if pulls else None


def create_pull_request(writer: GitHubWriter, repository: str, *, head: str, base: str, title: str, body: str) -> int:
    path = repo_path(repository, "pulls")
    call = Call("open pull request", repository)
    payload = {"title": title, "head": head, "base": base, "body": body}
    # Not repeated after a 5xx: a second pull request must never be opened; the next plan finds the first.
    reply = writer.send("POST", path, call, body=payload, idempotent=False, creates=True)
    return parse(_Pull, reply.body, call, f"POST {path}").number
