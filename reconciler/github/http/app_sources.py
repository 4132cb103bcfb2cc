"""Where a GitHub App's settings were read (kept apart from app_api so that naming them
loads nothing a run without an App does not need)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AppSources:
    """Where the App's settings were read, for errors that say what to change: an option, a
    key file's name or an environment variable's name, never a value."""

    app_id: str = "--app-id"
    private_key: str = "--app-private-key"
    installation_id: str = "--app-installation-id"
    # The variables of the family in use, for advice on what to set.
    key_variable: str = "RECONCILER_APP_PRIVATE_KEY"
    installation_variable: str = "RECONCILER_APP_INSTALLATION_ID"
