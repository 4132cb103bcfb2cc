"""The Git Data API: refs, commits, trees and blobs, for several files in one commit."""

from __future__ import annotations

from typing import Any

from .. import git_representations as git_rep
from ..auth import check_workflow_write
from ..gitobjects import BLOB_MODES, SUBMODULE_MODE, TREE_MODE, Commit, TreeEntry, set_leaf
from ..pagination import paginate
from ..protocol import ApiError, RequestContext, Response
from ..routing import Router
from ..state import RepoState, branch_ref
from .commits_input import decode_base64, not_supplied, required_string, signatures

DOCS = "https://docs.github.com/rest/git"
ENTRY_TYPES = {"blob": BLOB_MODES, "tree": frozenset({TREE_MODE}), "commit": frozenset({SUBMODULE_MODE})}


def register(router: Router) -> None:
    git = "/repos/{owner}/{repo}/git"
    table = [
        ("GET", "/ref/{ref}", get_ref, "refs#get-a-reference"),
        ("GET", "/matching-refs/{ref}", list_matching_refs, "refs#list-matching-references"),
        ("POST", "/refs", create_ref, "refs#create-a-reference"),
        ("PATCH", "/refs/{ref}", update_ref, "refs#update-a-reference"),
        ("DELETE", "/refs/{ref}", delete_ref, "refs#delete-a-reference"),
        ("GET", "/commits/{commit_sha}", get_commit, "commits#get-a-commit-object"),
        ("POST", "/commits", create_commit, "commits#create-a-commit"),
        ("GET", "/trees/{tree_sha}", get_tree, "trees#get-a-tree"),
        ("POST", "/trees", create_tree, "trees#create-a-tree"),
        ("GET", "/blobs/{file_sha}", get_blob, "blobs#get-a-blob"),
        ("POST", "/blobs", create_blob, "blobs#create-a-blob"),
    ]
    for method, suffix, handler, anchor in table:
        router.add(method, git + suffix, handler, docs=f"{DOCS}/{anchor}")


# -- helpers ------------------------------------------------------------------------------------


def _repo(ctx: RequestContext) -> RepoState:
    repo = ctx.repo()
    if not repo.git.refs:
        raise ApiError(409, "Git Repository is empty.")
    return repo


def _full_ref(short: str) -> str:
    # The path says heads/main; some clients send refs/heads/main, which GitHub tolerates.
    return short if short.startswith("refs/") else f"refs/{short}"


def _existing_ref(repo: RepoState, short: str) -> str:
    ref = _full_ref(short)
    if ref not in repo.git.refs:
        raise ApiError(422, "Reference does not exist")
    return ref


def _commit_sha(repo: RepoState, data: dict[str, Any]) -> str:
    sha = required_string(data, "sha")
    if sha not in repo.git.commits:
        raise ApiError(422, "Object does not exist")
    return sha


def _ref_body(ctx: RequestContext, repo: RepoState, ref: str) -> dict[str, Any]:
    return git_rep.git_ref(ctx.base_url, repo, ref)


# -- refs ---------------------------------------------------------------------------------------


def get_ref(ctx: RequestContext) -> Response:
    repo = _repo(ctx)
    ref = _full_ref(ctx.params["ref"])
    if ref not in repo.git.refs:
        raise ApiError(404, "Not Found")
    return Response(200, _ref_body(ctx, repo, ref), last_modified=repo.pushed_at)


def list_matching_refs(ctx: RequestContext) -> Response:
    repo = _repo(ctx)
    prefix = _full_ref(ctx.params["ref"])
    names = sorted(ref for ref in repo.git.refs if ref.startswith(prefix))
    response = paginate(ctx, names, lambda ref: _ref_body(ctx, repo, ref))
    # GitHub dates a repository's refs (recorded on GET /git/refs/) by its last push.
    response.last_modified = repo.pushed_at
    return response


def create_ref(ctx: RequestContext) -> Response:
    repo = _repo(ctx)
    data = ctx.json_object()
    ref = required_string(data, "ref")
    sha = _commit_sha(repo, data)
    if not ref.startswith("refs/") or ref.count("/") < 2 or "//" in ref or ref.endswith("/"):
        raise ApiError(422, "Reference name is invalid")
    if ref in repo.git.refs:
        raise ApiError(422, "Reference already exists")
    # A new branch carries the workflow files that differ from the default branch's.
    check_workflow_write(
        ctx.scopes,
        repo.git.changed_paths(repo.branch_head(repo.default_branch), sha),
        hidden=True,
        app=ctx.by_installation,
    )
    ctx.state.set_ref(repo, ref, sha)
    body = _ref_body(ctx, repo, ref)
    return Response(201, body, {"Location": body["url"]}, mutated=True)


def update_ref(ctx: RequestContext) -> Response:
    repo = _repo(ctx)
    ref = _existing_ref(repo, ctx.params["ref"])
    data = ctx.json_object()
    sha = _commit_sha(repo, data)
    force = data.get("force", False)
    if not isinstance(force, bool):
        raise ApiError(422, "Invalid request.\n\nFor 'force', it is not a boolean.")
    old = repo.git.refs[ref]
    if not force and not repo.git.is_ancestor(old, sha):
        raise ApiError(422, "Update is not a fast forward")
    check_workflow_write(ctx.scopes, repo.git.changed_paths(old, sha), hidden=True, app=ctx.by_installation)
    ctx.state.set_ref(repo, ref, sha)
    return Response(200, _ref_body(ctx, repo, ref), mutated=True)


def delete_ref(ctx: RequestContext) -> Response:
    repo = _repo(ctx)
    ref = _existing_ref(repo, ctx.params["ref"])
    if ref == branch_ref(repo.default_branch):
        raise ApiError(422, "Cannot delete the default branch")
    ctx.state.set_ref(repo, ref, None)
    return Response(204, mutated=True)


# -- commits ------------------------------------------------------------------------------------


def get_commit(ctx: RequestContext) -> Response:
    repo = _repo(ctx)
    sha = ctx.params["commit_sha"]
    if sha not in repo.git.commits:
        raise ApiError(404, "Not Found")
    body = git_rep.git_commit(ctx.base_url, repo, sha)
    return Response(200, body, last_modified=repo.git.commits[sha].committer.date)


def create_commit(ctx: RequestContext) -> Response:
    repo = _repo(ctx)
    data = ctx.json_object()
    message = required_string(data, "message")
    tree = required_string(data, "tree")
    parents = data.get("parents") or []
    if repo.git.object_type(tree) != "tree":
        raise ApiError(422, "Tree SHA does not exist")
    if not isinstance(parents, list) or not all(isinstance(p, str) and p in repo.git.commits for p in parents):
        raise ApiError(422, "Parent SHA does not exist or is not a commit object")
    author, committer = signatures(ctx, data)
    if tree not in repo.git.trees:
        repo.git.put_tree([])  # the empty tree is implied; store it once it is used
    sha = repo.git.put_commit(Commit(tree, list(parents), author, committer, message))
    body = git_rep.git_commit(ctx.base_url, repo, sha)
    return Response(201, body, {"Location": body["url"]}, mutated=True)


# -- trees --------------------------------------------------------------------------------------


def _tree_for(repo: RepoState, key: str) -> str | None:
    """GitHub takes a tree sha, a commit sha or a branch name here."""
    if repo.git.object_type(key) == "tree":
        return key
    commit = repo.resolve_commit(key)
    return repo.git.commits[commit].tree if commit is not None else None


def get_tree(ctx: RequestContext) -> Response:
    repo = _repo(ctx)
    sha = _tree_for(repo, ctx.params["tree_sha"])
    if sha is None:
        raise ApiError(404, "Not Found")
    # Any value turns recursion on, even "0" or "false", as GitHub documents.
    recursive = ctx.query_value("recursive") is not None
    return Response(200, git_rep.git_tree(ctx.base_url, repo, sha, recursive=recursive))


def _tree_error(detail: str) -> ApiError:
    return ApiError(422, f"Invalid tree info: {detail}")


def _checked_path(value: Any) -> str:
    if not isinstance(value, str) or not value or any(part in ("", ".", "..") for part in value.split("/")):
        raise _tree_error(f"tree.path {value!r} contains a malformed path component")
    return value


def _apply_entry(repo: RepoState, leaves: dict[str, TreeEntry], item: Any) -> None:
    if not isinstance(item, dict):
        raise _tree_error("each tree entry must be an object")
    path = _checked_path(item.get("path"))
    mode, kind = item.get("mode"), item.get("type")
    if kind not in ENTRY_TYPES or mode not in ENTRY_TYPES[kind]:
        raise _tree_error(f"tree.mode {mode!r} and tree.type {kind!r} do not go together")
    has_sha, content = "sha" in item, item.get("content")
    if has_sha and content is not None:
        raise _tree_error("use either tree.sha or content, not both")
    if not has_sha and content is None:
        raise _tree_error(f"tree entry {path!r} has neither sha nor content")
    if has_sha and item["sha"] is None:
        set_leaf(leaves, path, None)  # sha: null deletes the path
        return
    if content is not None:
        if kind != "blob" or not isinstance(content, str):
            raise _tree_error("content is only for blobs")
        sha = repo.git.put_blob(content.encode("utf-8"))
    else:
        sha = item["sha"]
        if kind != "commit" and repo.git.object_type(sha) != kind:
            raise _tree_error(f"tree.sha {sha} is not a valid {kind}")
    set_leaf(leaves, path, None)
    if kind == "tree":
        for below, leaf in repo.git.flatten(sha).items():
            leaves[f"{path}/{below}"] = leaf
    else:
        leaves[path] = TreeEntry(mode, path.rsplit("/", 1)[-1], sha)


def create_tree(ctx: RequestContext) -> Response:
    repo = _repo(ctx)
    data = ctx.json_object()
    items = data.get("tree")
    if not isinstance(items, list):
        raise not_supplied("tree")
    base_tree = data.get("base_tree")
    leaves: dict[str, TreeEntry] = {}
    if base_tree is not None:
        if not isinstance(base_tree, str) or repo.git.object_type(base_tree) != "tree":
            raise ApiError(422, "Invalid request.\n\nbase_tree is not a valid tree oid")
        leaves = repo.git.flatten(base_tree)
    for item in items:
        _apply_entry(repo, leaves, item)
    sha = repo.git.build_tree(leaves)
    body = git_rep.git_tree(ctx.base_url, repo, sha, recursive=False)
    return Response(201, body, {"Location": body["url"]}, mutated=True)


# -- blobs --------------------------------------------------------------------------------------


def get_blob(ctx: RequestContext) -> Response:
    repo = _repo(ctx)
    sha = ctx.params["file_sha"]
    if repo.git.object_type(sha) != "blob":
        raise ApiError(404, "Not Found")
    return Response(200, git_rep.blob(ctx.base_url, repo, sha))


def create_blob(ctx: RequestContext) -> Response:
    repo = _repo(ctx)
    data = ctx.json_object()
    content = required_string(data, "content")
    encoding = data.get("encoding") or "utf-8"
    if encoding in ("utf-8", "utf8"):
        raw = content.encode("utf-8")
    elif encoding == "base64":
        raw = decode_base64(content, "content")
    else:
        raise ApiError(422, f"Invalid request.\n\nencoding {encoding!r} is not supported: use utf-8 or base64.")
    sha = repo.git.put_blob(raw)
    url = f"{ctx.base_url}/repos/{repo.owner}/{repo.name}/git/blobs/{sha}"
    return Response(201, {"sha": sha, "url": url}, {"Location": url}, mutated=True)
