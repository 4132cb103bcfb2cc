"""The `.github/workflows` directory through GraphQL: its tree's entries on the default branch.

What it reads is exactly what `list_directory` reads over REST: each regular file's path, blob
id and size. A directory listing calls a symbolic link a `symlink` and a submodule a
`submodule`, never a `file`; in the tree both are entries too (a blob of mode 120000, a
commit), so they are left out here as there. No directory (or no commit yet) is no files.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.github.git_data import LiveFile
from reconciler.github.parse import Wire, parse
from reconciler.github.port import Call
from reconciler.kinds.base import GraphQLPage
from reconciler.kinds.workflows.files import WORKFLOWS_DIRECTORY

# The response key, under the kind's own name so no other kind's fields collide with it.
KEY = "workflowFiles"
SELECTION = (
    f'{KEY}: object(expression: "HEAD:{WORKFLOWS_DIRECTORY}") '
    "{ ... on Tree { entries { name oid type mode size } } }"
)
SYMBOLIC_LINK_MODE = 0o120000
_CALL = Call("read .github/workflows through GraphQL")


class _Entry(Wire):
    name: str
    oid: str
    type: str
    mode: int
    size: int


class _Tree(Wire):
    # Absent when the path is a file, not a directory: `... on Tree` selects nothing then.
    entries: tuple[_Entry, ...] = ()


def read_workflow_files(
    answer: Mapping[str, Any], earlier: tuple[LiveFile, ...] | None
) -> GraphQLPage[tuple[LiveFile, ...]]:
    """The regular files directly in the directory, as its REST listing gives them."""
    found = answer.get(KEY)
    if found is None:
        return GraphQLPage(())
    tree = parse(_Tree, found, _CALL, "GraphQL repository.object")
    return GraphQLPage(
        tuple(
            LiveFile(f"{WORKFLOWS_DIRECTORY}/{entry.name}", entry.oid, entry.size)
            for entry in tree.entries
            if entry.type == "blob" and entry.mode != SYMBOLIC_LINK_MODE
        )
    )
