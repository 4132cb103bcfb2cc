"""API paths with every name in them percent-encoded, so no name can change the path.

A label called "area: api/v2 + 🚀 docs" is one path segment; left as it is, its '/' would
start another and GitHub would answer for something else. Each segment is encoded in full
(`quote(segment, safe="")`); a file path's own '/' stay separators.
"""

from __future__ import annotations

from urllib.parse import quote


def segment(value: str) -> str:
    return quote(value, safe="")


def repo_path(repository: str, *segments: str) -> str:
    """`/repos/{owner}/{name}/...` for "owner/name" and the segments after it."""
    owner, name = repository.split("/", 1)
    return "/repos/" + "/".join(segment(part) for part in (owner, name, *segments))


def file_segments(path: str) -> tuple[str, ...]:
    """A path in a repository as segments: its '/' separate them."""
    return tuple(path.split("/"))


def org_path(organization: str, *segments: str) -> str:
    return "/orgs/" + "/".join(segment(part) for part in (organization, *segments))
