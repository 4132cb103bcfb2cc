"""A repository's git objects (blobs, trees, commits) and refs, with git's own object ids.

Ids are computed exactly as git computes them, so a blob sha the sandbox serves can be
compared with ``git hash-object`` output and a client can skip an unchanged file by its
sha alone. Objects are content-addressed and immutable; only ``refs`` ever change.

Trees are stored one level at a time, as in git. Most edits are easier on a flat view
(``path -> leaf entry``), so ``flatten`` and ``build_tree`` convert between the two.
"""

from __future__ import annotations

import base64
import hashlib
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

# Modes as GitHub's API spells them; git writes the directory mode without the leading 0.
FILE_MODE = "100644"
EXECUTABLE_MODE = "100755"
SYMLINK_MODE = "120000"
SUBMODULE_MODE = "160000"
TREE_MODE = "040000"
BLOB_MODES = frozenset({FILE_MODE, EXECUTABLE_MODE, SYMLINK_MODE})
EMPTY_TREE_SHA = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def object_id(kind: str, payload: bytes) -> str:
    return hashlib.sha1(b"%s %d\0" % (kind.encode(), len(payload)) + payload).hexdigest()


def blob_sha(data: bytes) -> str:
    return object_id("blob", data)


def entry_type(mode: str) -> str:
    if mode == TREE_MODE:
        return "tree"
    if mode == SUBMODULE_MODE:
        return "commit"
    return "blob"


@dataclass
class TreeEntry:
    mode: str
    name: str
    sha: str

    @property
    def type(self) -> str:
        return entry_type(self.mode)


def _sort_key(entry: TreeEntry) -> bytes:
    # git compares a subtree's name as if it ended in "/", so "a.txt" sorts before "a/".
    name = entry.name.encode()
    return name + b"/" if entry.mode == TREE_MODE else name


def tree_sha(entries: list[TreeEntry]) -> str:
    payload = b"".join(
        e.mode.lstrip("0").encode() + b" " + e.name.encode() + b"\0" + bytes.fromhex(e.sha)
        for e in sorted(entries, key=_sort_key)
    )
    return object_id("tree", payload)


def set_leaf(leaves: dict[str, TreeEntry], path: str, entry: TreeEntry | None) -> None:
    """Write (or with ``None`` delete) ``path`` in a flat ``path -> leaf`` map. Whatever
    was at or below ``path``, and any file where one of its parent directories must go,
    gives way, so the map always describes a valid tree."""
    for existing in [p for p in leaves if p == path or p.startswith(path + "/")]:
        del leaves[existing]
    parts = path.split("/")
    for depth in range(1, len(parts)):
        leaves.pop("/".join(parts[:depth]), None)
    if entry is not None:
        leaves[path] = entry


@dataclass
class Signature:
    name: str
    email: str
    date: str  # ISO 8601 in UTC, e.g. 2025-01-01T00:00:00Z


def _git_time(iso: str) -> str:
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return f"{int(moment.timestamp())} +0000"


@dataclass
class Commit:
    tree: str
    parents: list[str]
    author: Signature
    committer: Signature
    message: str

    def payload(self) -> bytes:
        lines = [f"tree {self.tree}", *(f"parent {p}" for p in self.parents)]
        for role, person in (("author", self.author), ("committer", self.committer)):
            lines.append(f"{role} {person.name} <{person.email}> {_git_time(person.date)}")
        return ("\n".join(lines) + "\n\n" + self.message).encode()

    @property
    def sha(self) -> str:
        return object_id("commit", self.payload())


@dataclass
class GitStore:
    blobs: dict[str, str] = field(default_factory=dict)  # sha -> base64 of the bytes
    trees: dict[str, list[TreeEntry]] = field(default_factory=dict)
    commits: dict[str, Commit] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)  # "refs/heads/main" -> commit sha

    # -- writing objects ------------------------------------------------------------------

    def put_blob(self, data: bytes) -> str:
        sha = blob_sha(data)
        self.blobs.setdefault(sha, base64.b64encode(data).decode("ascii"))
        return sha

    def put_tree(self, entries: list[TreeEntry]) -> str:
        ordered = sorted(entries, key=_sort_key)
        sha = tree_sha(ordered)
        self.trees.setdefault(sha, ordered)
        return sha

    def put_commit(self, commit: Commit) -> str:
        sha = commit.sha
        self.commits.setdefault(sha, commit)
        return sha

    # -- reading objects ------------------------------------------------------------------

    def blob(self, sha: str) -> bytes | None:
        encoded = self.blobs.get(sha)
        return None if encoded is None else base64.b64decode(encoded)

    def object_type(self, sha: str) -> str | None:
        if sha in self.commits:
            return "commit"
        if sha in self.trees or sha == EMPTY_TREE_SHA:
            return "tree"
        if sha in self.blobs:
            return "blob"
        return None

    def tree(self, sha: str) -> list[TreeEntry] | None:
        if sha == EMPTY_TREE_SHA:
            return []
        return self.trees.get(sha)

    def walk(self, sha: str, prefix: str = "") -> Iterator[tuple[str, TreeEntry]]:
        """Every entry below a tree, depth first in tree order, with its full path."""
        for entry in self.tree(sha) or []:
            path = prefix + entry.name
            yield path, entry
            if entry.mode == TREE_MODE:
                yield from self.walk(entry.sha, path + "/")

    def flatten(self, sha: str | None) -> dict[str, TreeEntry]:
        """The leaves (files, symlinks, submodules) of a tree by full path."""
        if sha is None:
            return {}
        return {path: entry for path, entry in self.walk(sha) if entry.mode != TREE_MODE}

    def lookup(self, root: str, path: str) -> TreeEntry | None:
        """The entry at ``path`` below tree ``root`` (``""`` is the root itself)."""
        entry: TreeEntry | None = TreeEntry(TREE_MODE, "", root)
        for part in [p for p in path.split("/") if p]:
            if entry is None or entry.mode != TREE_MODE:
                return None
            entry = next((e for e in self.tree(entry.sha) or [] if e.name == part), None)
        return entry

    def build_tree(self, leaves: Mapping[str, TreeEntry]) -> str:
        """Write the nested trees for a flat ``path -> leaf`` map; returns the root tree sha."""
        children: dict[str, dict[str, TreeEntry]] = {}
        entries: list[TreeEntry] = []
        for path, leaf in leaves.items():
            head, sep, rest = path.partition("/")
            if sep:
                children.setdefault(head, {})[rest] = leaf
            else:
                entries.append(TreeEntry(leaf.mode, head, leaf.sha))
        for name, below in children.items():
            entries.append(TreeEntry(TREE_MODE, name, self.build_tree(below)))
        return self.put_tree(entries)

    def files(self, commit_sha: str) -> dict[str, bytes]:
        """Every blob's bytes at a commit, by path."""
        commit = self.commits[commit_sha]
        found: dict[str, bytes] = {}
        for path, entry in self.flatten(commit.tree).items():
            data = self.blob(entry.sha) if entry.type == "blob" else None
            if data is not None:
                found[path] = data
        return found

    # -- history --------------------------------------------------------------------------

    def ancestors(self, sha: str) -> list[str]:
        """``sha`` and every commit reachable from it, nearest first."""
        order: list[str] = []
        seen: set[str] = set()
        queue = deque([sha])
        while queue:
            current = queue.popleft()
            if current in seen or current not in self.commits:
                continue
            seen.add(current)
            order.append(current)
            queue.extend(self.commits[current].parents)
        return order

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        return ancestor in self.ancestors(descendant)

    def merge_base(self, a: str, b: str) -> str | None:
        reachable = set(self.ancestors(b))
        return next((sha for sha in self.ancestors(a) if sha in reachable), None)

    def diff_trees(self, old_tree: str | None, new_tree: str | None) -> set[str]:
        """Paths whose leaf differs between two trees (either may be absent)."""
        before, after = self.flatten(old_tree), self.flatten(new_tree)
        return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}

    def changed_paths(self, old_commit: str | None, new_commit: str | None) -> set[str]:
        """Paths whose leaf differs between two commits (either may be absent)."""
        old = self.commits[old_commit].tree if old_commit in self.commits else None
        new = self.commits[new_commit].tree if new_commit in self.commits else None
        return self.diff_trees(old, new)

    def merge_trees(self, base: str | None, ours: str, theirs: str) -> str | None:
        """A three-way merge of two commits' trees, path by path; ``None`` on a conflict.

        Content-level merging of one file changed on both sides is beyond the sandbox: it
        counts as a conflict, which is what a client must be ready for anyway."""
        original = self.flatten(self.commits[base].tree) if base is not None else {}
        mine = self.flatten(self.commits[ours].tree)
        other = self.flatten(self.commits[theirs].tree)
        merged: dict[str, TreeEntry] = {}
        for path in original.keys() | mine.keys() | other.keys():
            b, o, t = original.get(path), mine.get(path), other.get(path)
            if o == t or t == b:
                chosen = o
            elif o == b:
                chosen = t
            else:
                return None
            if chosen is not None:
                merged[path] = chosen
        return self.build_tree(merged)
