"""What a GitHub App installation must be granted for each kind apply manages.

An installation token acts by the App's permissions, not by a user's role or a token's scopes:
GitHub's repository `permissions` field says little about it. The permissions each kind's REST
calls need are GitHub's (docs: "Permissions required for GitHub Apps"); the installation's
grant is what `POST /app/installations/{id}/access_tokens` answered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reconciler.kinds.base import AnyKind

LEVELS = ("read", "write", "admin")
# Kind → the App permissions its reads and writes need. A kind not listed (one registered
# outside reconciler) is not checked here; its own calls will say what they lack.
APP_PERMISSIONS: Mapping[str, Mapping[str, str]] = {
    "label": {"issues": "write"},
    "variable": {"variables": "write"},
    "secret": {"secrets": "write"},
    # Files are commits on the default branch, or a branch and a pull request; a file under
    # .github/workflows/ also needs `workflows`.
    "workflow-file": {"contents": "write", "workflows": "write", "pull_requests": "write"},
    "workflow-state": {"actions": "write"},
}
# GitHub's docs also spell `variables` as `actions_variables`.
ALIASES = {"actions_variables": "variables"}


def _level(value: str | None) -> int:
    return LEVELS.index(value) if value in LEVELS else -1


def missing_app_permissions(granted: Mapping[str, str], managed: Sequence[AnyKind]) -> dict[str, list[str]]:
    """ "secrets: write (the installation has: read)" → the kinds that need it."""
    have = {ALIASES.get(name, name): level for name, level in granted.items()}
    missing: dict[str, list[str]] = {}
    for kind in managed:
        for permission, level in APP_PERMISSIONS.get(kind.name, {}).items():
            if _level(have.get(permission)) < _level(level):
                shown = f"the installation has: {have[permission]}" if permission in have else "not granted"
                missing.setdefault(f"App permission `{permission}: {level}` ({shown})", []).append(kind.name)
    return missing
