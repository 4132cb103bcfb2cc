"""Git objects, repository contents and workflows rendered as GitHub's JSON.

Like ``representations``, every API URL is built from ``base`` at response time.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

from .gitobjects import TREE_MODE, TreeEntry
from .representations import HTML_ROOT
from .state import RepoState
from .workflows import Workflow

BASE64_LINE = 60


def wrap_base64(data: bytes) -> str:
    """Base64 as GitHub sends file contents: Ruby's ``encode64``, a newline after every 60
    characters and after the last line."""
    encoded = base64.b64encode(data).decode("ascii")
    return "".join(encoded[i : i + BASE64_LINE] + "\n" for i in range(0, len(encoded), BASE64_LINE))


def sha_node_id(prefix: str, sha: str) -> str:
    return f"{prefix}_kw" + base64.b64encode(f"sandbox:{prefix}:{sha}".encode()).decode().rstrip("=")


def _api(base: str, repo: RepoState) -> str:
    return f"{base}/repos/{repo.owner}/{repo.name}"


def _path_url(path: str) -> str:
    return quote(path, safe="/")


# -- git data -----------------------------------------------------------------------------------


def git_ref(base: str, repo: RepoState, ref: str) -> dict[str, Any]:
    api = _api(base, repo)
    sha = repo.git.refs[ref]
    return {
        "ref": ref,
        "node_id": sha_node_id("REF", f"{repo.id}:{ref}"),
        "url": f"{api}/git/{_path_url(ref)}",
        "object": {"type": "commit", "sha": sha, "url": f"{api}/git/commits/{sha}"},
    }


def git_commit(base: str, repo: RepoState, sha: str) -> dict[str, Any]:
    api = _api(base, repo)
    commit = repo.git.commits[sha]
    html = f"{HTML_ROOT}/{repo.full_name}/commit"
    return {
        "sha": sha,
        "node_id": sha_node_id("C", sha),
        "url": f"{api}/git/commits/{sha}",
        "html_url": f"{html}/{sha}",
        "author": {"name": commit.author.name, "email": commit.author.email, "date": commit.author.date},
        "committer": {
            "name": commit.committer.name,
            "email": commit.committer.email,
            "date": commit.committer.date,
        },
        "tree": {"sha": commit.tree, "url": f"{api}/git/trees/{commit.tree}"},
        "message": commit.message,
        "parents": [{"sha": p, "url": f"{api}/git/commits/{p}", "html_url": f"{html}/{p}"} for p in commit.parents],
        "verification": {
            "verified": False,
            "reason": "unsigned",
            "signature": None,
            "payload": None,
            "verified_at": None,
        },
    }


def tree_item(base: str, repo: RepoState, path: str, entry: TreeEntry) -> dict[str, Any]:
    api = _api(base, repo)
    item: dict[str, Any] = {"path": path, "mode": entry.mode, "type": entry.type, "sha": entry.sha}
    if entry.type == "blob":
        item["size"] = len(repo.git.blob(entry.sha) or b"")
        item["url"] = f"{api}/git/blobs/{entry.sha}"
    elif entry.type == "tree":
        item["url"] = f"{api}/git/trees/{entry.sha}"
    return item


def git_tree(base: str, repo: RepoState, sha: str, *, recursive: bool) -> dict[str, Any]:
    if recursive:
        items = [tree_item(base, repo, path, entry) for path, entry in repo.git.walk(sha)]
    else:
        items = [tree_item(base, repo, entry.name, entry) for entry in repo.git.tree(sha) or []]
    return {"sha": sha, "url": f"{_api(base, repo)}/git/trees/{sha}", "tree": items, "truncated": False}


def blob(base: str, repo: RepoState, sha: str) -> dict[str, Any]:
    data = repo.git.blob(sha) or b""
    return {
        "sha": sha,
        "node_id": sha_node_id("B", sha),
        "size": len(data),
        "url": f"{_api(base, repo)}/git/blobs/{sha}",
        "content": wrap_base64(data),
        "encoding": "base64",
    }


# -- contents -----------------------------------------------------------------------------------


def content_entry(base: str, repo: RepoState, ref: str, path: str, entry: TreeEntry) -> dict[str, Any]:
    """One entry as a directory listing shows it (and as a write's ``content``)."""
    api = _api(base, repo)
    kind = {"blob": "file", "tree": "dir", "commit": "submodule"}[entry.type]
    if entry.mode == "120000":
        kind = "symlink"
    url = f"{api}/contents/{_path_url(path)}?ref={quote(ref, safe='')}"
    html_kind = "tree" if entry.mode == TREE_MODE else "blob"
    html_url = f"{HTML_ROOT}/{repo.full_name}/{html_kind}/{ref}/{_path_url(path)}"
    git_url = f"{api}/git/{'trees' if entry.mode == TREE_MODE else 'blobs'}/{entry.sha}"
    is_blob = entry.type == "blob"
    return {
        "type": kind,
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "sha": entry.sha,
        "size": len(repo.git.blob(entry.sha) or b"") if is_blob else 0,
        "url": url,
        "html_url": html_url,
        "git_url": git_url,
        "download_url": (
            f"https://raw.githubusercontent.com/{repo.full_name}/{ref}/{_path_url(path)}" if is_blob else None
        ),
        "_links": {"self": url, "git": git_url, "html": html_url},
    }


def content_file(base: str, repo: RepoState, ref: str, path: str, entry: TreeEntry) -> dict[str, Any]:
    body = content_entry(base, repo, ref, path, entry)
    body["content"] = wrap_base64(repo.git.blob(entry.sha) or b"")
    body["encoding"] = "base64"
    return body


def file_commit(base: str, repo: RepoState, commit_sha: str, content: dict[str, Any] | None) -> dict[str, Any]:
    return {"content": content, "commit": git_commit(base, repo, commit_sha)}


# -- workflows ----------------------------------------------------------------------------------


def workflow(base: str, repo: RepoState, item: Workflow) -> dict[str, Any]:
    html = f"{HTML_ROOT}/{repo.full_name}"
    return {
        "id": item.id,
        "node_id": item.node_id,
        "name": item.name,
        "path": item.path,
        "state": item.state,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "url": f"{_api(base, repo)}/actions/workflows/{item.id}",
        "html_url": f"{html}/blob/{repo.default_branch}/{item.path}",
        "badge_url": f"{html}/workflows/{quote(item.file_name)}/badge.svg",
    }
