"""Whether a path exists in a repository: the contents API, asked about one path.

The runbook's kill switch for agents is a file, `.agent-workspace/STOP`, committed to the
repository the agent works in; whether it is there is one `GET .../contents/{path}` on the
default branch. A 404 is the answer "not there", not an error.
"""

from __future__ import annotations

from reconciler.errors import NotFoundError
from reconciler.github.paths import file_segments, repo_path
from reconciler.github.port import Call, GitHubReader

AGENT_STOP_FILE = ".agent-workspace/STOP"


def path_exists(reader: GitHubReader, repository: str, path: str) -> bool:
    """Whether `path` (a file or a directory) exists on the repository's default branch."""
    call = Call(f"look for {path}", repository)
    try:
        reader.get(repo_path(repository, "contents", *file_segments(path)), call)
    except NotFoundError:
        return False
    return True
