"""Where to publish, as typed on the command line: `OWNER/NAME` or `OWNER/NAME#NUMBER`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reconciler.errors import ConfigurationError

# GitHub's rules: owners are letters, digits and single hyphens; names add '.', '_'.
_REPOSITORY = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}"
_REPOSITORY_ONLY = re.compile(rf"^(?P<repo>{_REPOSITORY})$")
_PULL_REQUEST = re.compile(rf"^(?P<repo>{_REPOSITORY})#(?P<number>[1-9][0-9]{{0,9}})$")


@dataclass(frozen=True)
class IssueTarget:
    repository: str
    number: int

    def __str__(self) -> str:
        return f"{self.repository}#{self.number}"


def parse_repository(text: str, option: str) -> str:
    match = _REPOSITORY_ONLY.match(text.strip())
    if match is None or match["repo"].split("/")[1] in (".", ".."):
        raise ConfigurationError(f"{option} {text!r} is not a repository: use OWNER/NAME, e.g. octo-org/desired-state")
    return match["repo"]


def parse_issue_target(text: str, option: str) -> IssueTarget:
    match = _PULL_REQUEST.match(text.strip())
    if match is None or match["repo"].split("/")[1] in (".", ".."):
        raise ConfigurationError(
            f"{option} {text!r} is not a pull request: use OWNER/NAME#NUMBER, e.g. octo-org/desired-state#42 "
            "(in GitHub Actions: ${{ github.repository }}#${{ github.event.pull_request.number }})"
        )
    return IssueTarget(match["repo"], int(match["number"]))
