"""``/repos/{owner}/{repo}/contents/{path}``: read a file or directory, write or delete one
file, each write one commit on the branch."""

from __future__ import annotations

from .. import git_representations as git_rep
from ..auth import check_workflow_write
from ..contents_media import directory_object, last_changed, rendered_html
from ..gitobjects import TREE_MODE, TreeEntry
from ..protocol import ApiError, RequestContext, Response
from ..routing import Router
from ..state import RepoState
from .commits_input import decode_base64, not_supplied, required_string, signatures

DOCS = "https://docs.github.com/rest/repos/contents"


def register(router: Router) -> None:
    template = "/repos/{owner}/{repo}/contents/{path}"
    router.add("GET", template, get_contents, docs=f"{DOCS}#get-repository-content")
    router.add("PUT", template, put_file, docs=f"{DOCS}#create-or-update-file-contents")
    router.add("DELETE", template, delete_file, docs=f"{DOCS}#delete-a-file")


def _path(ctx: RequestContext) -> str:
    return ctx.params["path"].strip("/")


def _commit_at(repo: RepoState, ref: str | None) -> str:
    if not repo.git.refs:
        raise ApiError(404, "This repository is empty.")
    sha = repo.resolve_commit(ref)
    if sha is None:
        raise ApiError(404, f"No commit found for the ref {ref}")
    return sha


def _branch_head(repo: RepoState, branch: str) -> str | None:
    head = repo.branch_head(branch)
    # The first file of an empty repository creates its default branch.
    if head is None and (repo.git.refs or branch != repo.default_branch):
        raise ApiError(404, f"Branch {branch} not found")
    return head


def _file_at(repo: RepoState, commit: str | None, path: str) -> TreeEntry | None:
    if commit is None:
        return None
    return repo.git.lookup(repo.git.commits[commit].tree, path)


def get_contents(ctx: RequestContext) -> Response:
    """The JSON object (file) or array (directory) by default; the custom media types pick
    the raw bytes, rendered HTML, or always an object (see ``contents_media``)."""
    repo = ctx.repo()
    path = _path(ctx)
    ref = ctx.query_value("ref") or None
    commit = _commit_at(repo, ref)
    entry = _file_at(repo, commit, path)
    if entry is None:
        raise ApiError(404, "Not Found")
    shown_ref = ref or repo.default_branch
    changed = last_changed(repo, commit, path)
    media = ctx.media_type
    if entry.mode != TREE_MODE:
        data = repo.git.blob(entry.sha) or b""
        if media.wants("raw"):
            return Response(200, raw=data, content_type=media.content_type(), last_modified=changed)
        if media.wants("html"):
            page = rendered_html(path, data)
            return Response(200, raw=page, content_type=media.content_type(), last_modified=changed)
        body = git_rep.content_file(ctx.base_url, repo, shown_ref, path, entry)
        return Response(200, body, content_type=_object_type(ctx), last_modified=changed)
    if media.wants("object"):
        body = directory_object(ctx.base_url, repo, shown_ref, path, entry)
        return Response(200, body, content_type=media.content_type(), last_modified=changed)
    prefix = f"{path}/" if path else ""
    listing = [
        git_rep.content_entry(ctx.base_url, repo, shown_ref, prefix + child.name, child)
        for child in repo.git.tree(entry.sha) or []
    ]
    return Response(200, listing, last_modified=changed)


def _object_type(ctx: RequestContext) -> str | None:
    # A file is an object anyway; asked for as one, it is labelled as one.
    return ctx.media_type.content_type() if ctx.media_type.wants("object") else None


def _expect_sha(path: str, current: TreeEntry, given: str | None) -> None:
    if given is None:
        raise not_supplied("sha")
    if given != current.sha:
        raise ApiError(409, f"{path} is at {current.sha} but expected {given}")


def put_file(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    path = _path(ctx)
    data = ctx.json_object()
    message = required_string(data, "message")
    content = decode_base64(required_string(data, "content"), "content")
    branch = data.get("branch") or repo.default_branch
    given = data.get("sha")
    if not path or not isinstance(branch, str) or (given is not None and not isinstance(given, str)):
        raise ApiError(422, "Invalid request.")
    author, committer = signatures(ctx, data)
    check_workflow_write(ctx.scopes, [path], app=ctx.by_installation)
    head = _branch_head(repo, branch)
    current = _file_at(repo, head, path)
    if current is not None:
        if current.mode == TREE_MODE:
            raise ApiError(422, f"Invalid request.\n\n{path} is a directory.")
        _expect_sha(path, current, given)
    parents = path.split("/")[:-1]
    for depth in range(1, len(parents) + 1):
        parent = _file_at(repo, head, "/".join(parents[:depth]))
        if parent is not None and parent.mode != TREE_MODE:
            raise ApiError(422, f"Invalid request.\n\n{'/'.join(parents[:depth])} is a file.")
    commit = ctx.state.commit_files(repo, branch, {path: content}, message, author=author, committer=committer)
    entry = _file_at(repo, commit, path)
    assert entry is not None
    body = git_rep.file_commit(
        ctx.base_url, repo, commit, git_rep.content_entry(ctx.base_url, repo, branch, path, entry)
    )
    return Response(200 if current is not None else 201, body, mutated=True)


def delete_file(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    path = _path(ctx)
    data = ctx.json_object()
    message = required_string(data, "message")
    given = required_string(data, "sha")
    branch = data.get("branch") or repo.default_branch
    if not isinstance(branch, str):
        raise ApiError(422, "Invalid request.")
    author, committer = signatures(ctx, data)
    check_workflow_write(ctx.scopes, [path], app=ctx.by_installation)
    head = _branch_head(repo, branch)
    current = _file_at(repo, head, path)
    if current is None or current.mode == TREE_MODE:
        raise ApiError(404, "Not Found")
    _expect_sha(path, current, given)
    commit = ctx.state.commit_files(repo, branch, {path: None}, message, author=author, committer=committer)
    return Response(200, git_rep.file_commit(ctx.base_url, repo, commit, None), mutated=True)
