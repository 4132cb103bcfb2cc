"""The representations of repository contents that GitHub's custom media types ask for.

* ``raw`` (``application/vnd.github.raw``, ``.v3.raw``, ``.raw+json``): a file's own bytes;
  a directory is still its JSON listing, as on api.github.com.
* ``html`` (``.html``, ``.html+json``): a markup file (Markdown...) rendered to HTML inside
  the wrapper GitHub sends (``<div id="file" class="md" data-path="README.md"><article
  class="markdown-body entry-content container-lg" itemprop="text">``). GitHub renders
  with its own Markup library; the sandbox renders CommonMark (with tables and
  strikethrough) through markdown-it-py, raw HTML left out as GitHub's sanitiser would. A
  file that is no markup comes back escaped in a ``<pre>``, where GitHub would highlight it.
* ``object`` (``.object``, ``.object+json``): always one object, a directory as
  ``{"type": "dir", ..., "entries": [...]}`` rather than an array.
"""

from __future__ import annotations

import html
from typing import Any

from markdown_it import MarkdownIt

from . import git_representations as git_rep
from .gitobjects import TreeEntry
from .state import RepoState

MARKUP_EXTENSIONS = (".md", ".markdown", ".mdown", ".mkdn", ".mkd", ".mdwn")
# Enough history for any file the sandbox holds; a longer walk would only slow an answer.
MAX_HISTORY_WALK = 1000

_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def is_markup(path: str) -> bool:
    return path.lower().endswith(MARKUP_EXTENSIONS)


def rendered_html(path: str, data: bytes) -> bytes:
    text = data.decode("utf-8", errors="replace")
    where = html.escape(path, quote=True)
    if is_markup(path):
        inner = _MARKDOWN.render(text)
        document = (
            f'<div id="file" class="md" data-path="{where}">'
            f'<article class="markdown-body entry-content container-lg" itemprop="text">{inner}</article></div>'
        )
    else:
        document = f'<div id="file" class="plain" data-path="{where}"><pre>{html.escape(text)}</pre></div>'
    return document.encode("utf-8")


def directory_object(base: str, repo: RepoState, ref: str, path: str, entry: TreeEntry) -> dict[str, Any]:
    """A directory as the ``object`` media type returns it: itself, with its entries."""
    body = git_rep.content_entry(base, repo, ref, path, entry)
    prefix = f"{path}/" if path else ""
    body["entries"] = [
        git_rep.content_entry(base, repo, ref, prefix + child.name, child) for child in repo.git.tree(entry.sha) or []
    ]
    return body


def last_changed(repo: RepoState, commit_sha: str, path: str) -> str:
    """When ``path`` last changed on the first-parent history up to ``commit_sha``: the
    date of the nearest commit whose parent held something else there (its Last-Modified)."""
    git = repo.git
    current = git.lookup(git.commits[commit_sha].tree, path)
    sha = commit_sha
    for _ in range(MAX_HISTORY_WALK):
        commit = git.commits[sha]
        parent = commit.parents[0] if commit.parents else None
        if parent is None or parent not in git.commits:
            return commit.committer.date
        before = git.lookup(git.commits[parent].tree, path)
        if before is None or current is None or (before.mode, before.sha) != (current.mode, current.sha):
            return commit.committer.date
        sha = parent
    return git.commits[sha].committer.date
