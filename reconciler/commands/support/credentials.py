"""Where a command's credentials come from, strongest first:

1. a GitHub App: `--app-id` and `--app-private-key FILE` (or RECONCILER_APP_ID and
   RECONCILER_APP_PRIVATE_KEY, the PEM text), with `--app-installation-id`
   (RECONCILER_APP_INSTALLATION_ID) to name the installation instead of finding it by owner;
2. GH_TOKEN, then GITHUB_TOKEN, as the GitHub CLI reads them (GH_TOKEN is the one set on
   purpose; GITHUB_TOKEN is often Actions' own, which reaches only its repository); for a
   GitHub Enterprise Server host, then GH_ENTERPRISE_TOKEN and GITHUB_ENTERPRISE_TOKEN, gh's
   names for it;
3. `gh auth token --hostname HOST`, when gh is installed and logged in for the API's host.

Nothing here contacts GitHub, and every secret read is registered for redaction at once.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from reconciler.commands.support.options import GitHubOptions
from reconciler.errors import ConfigurationError
from reconciler.redaction import register

TOKEN_VARIABLES = ("GH_TOKEN", "GITHUB_TOKEN")
ENTERPRISE_TOKEN_VARIABLES = ("GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN")
APP_ID_VARIABLE = "RECONCILER_APP_ID"
APP_KEY_VARIABLE = "RECONCILER_APP_PRIVATE_KEY"
APP_INSTALLATION_VARIABLE = "RECONCILER_APP_INSTALLATION_ID"
GH_TIMEOUT = 15.0
# What --help and the errors say about the order.
ORDER = (
    "a GitHub App (--app-id and --app-private-key, or RECONCILER_APP_ID and RECONCILER_APP_PRIVATE_KEY), "
    "else GH_TOKEN, else GITHUB_TOKEN, else `gh auth token` for the API's host"
)


@dataclass(frozen=True)
class AppConfig:
    app_id: str
    private_key_pem: str = field(repr=False)
    key_source: str  # where the key came from, for errors: a file name or the variable
    installation_id: int | None = None


@dataclass(frozen=True)
class TokenConfig:
    token: str = field(repr=False)
    source: str  # "GH_TOKEN", "gh auth token": what verify says the token came from


def app_config(options: GitHubOptions, env: Mapping[str, str]) -> AppConfig | None:
    """The App to act as, or None when none is configured; half a configuration is an error."""
    app_id = (options.app_id or env.get(APP_ID_VARIABLE, "")).strip()
    key_file = options.app_private_key
    key_text = env.get(APP_KEY_VARIABLE, "") if key_file is None else ""
    installation = (options.app_installation_id or env.get(APP_INSTALLATION_VARIABLE, "")).strip()
    if not app_id and key_file is None and not key_text.strip():
        if installation and options.app_installation_id:
            raise ConfigurationError("--app-installation-id needs --app-id and --app-private-key")
        return None
    if not app_id:
        raise ConfigurationError(
            f"a GitHub App private key was given but no App: give --app-id (or {APP_ID_VARIABLE}), the App's ID "
            "or client ID from its settings page"
        )
    if key_file is None and not key_text.strip():
        raise ConfigurationError(
            f"--app-id needs the App's private key: --app-private-key FILE (the .pem GitHub made) or "
            f"{APP_KEY_VARIABLE} (its PEM text)"
        )
    # Loaded here, not at import: only a run as an App signs anything.
    from reconciler.github.http.app_jwt import read_private_key

    if key_file is not None:
        key_text = _read_key_file(key_file)
        source = str(key_file)
    else:
        source = APP_KEY_VARIABLE
    pem = read_private_key(key_text, source)
    return AppConfig(app_id, pem, source, _installation_id(installation))


def _read_key_file(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigurationError(f"--app-private-key: no file {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"--app-private-key: cannot read {path}: {type(exc).__name__}") from None
    register(text.strip())
    return text


def _installation_id(value: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or int(value) == 0:
        raise ConfigurationError(f"--app-installation-id must be an installation's number, not {value!r}")
    return int(value)


def web_host(api_url: str) -> str:
    """The host gh knows a GitHub by: github.com for api.github.com, NAME.ghe.com for
    api.NAME.ghe.com, HOST for a GitHub Enterprise Server's https://HOST/api/v3."""
    parts = urlsplit(api_url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if host == "api.github.com":
        return "github.com"
    if host.startswith("api.") and host.endswith(".ghe.com"):
        return host[len("api.") :]
    return host if port is None else f"{host}:{port}"


def is_enterprise_server(host: str) -> bool:
    return host != "github.com" and not host.endswith(".ghe.com")


def find_token(env: Mapping[str, str], api_url: str) -> TokenConfig:
    host = web_host(api_url)
    names = TOKEN_VARIABLES + (ENTERPRISE_TOKEN_VARIABLES if is_enterprise_server(host) else ())
    for name in names:
        value = env.get(name, "").strip()
        if value:
            # Registered as it is read, so nothing reconciler shows or writes can carry it.
            register(value)
            return TokenConfig(value, name)
    asked = (env.get("GH_HOST") or "").strip().lower()
    mismatch = bool(asked) and asked != host
    token = None if mismatch else gh_auth_token(env, host)
    if token is not None:
        return TokenConfig(token, "gh auth token")
    why = (
        f" (GH_HOST is {asked} but the API is on {host}: gh's token for one is not sent to the other)"
        if mismatch
        else ""
    )
    raise ConfigurationError(
        "no GitHub token: set GITHUB_TOKEN or GH_TOKEN to a token that can administer the repositories in the "
        f"desired state, log in with `gh auth login --hostname {host}`{why}, or act as a GitHub App with "
        "--app-id and --app-private-key; or use --sandbox to try reconciler against the built-in sandbox"
    )


def gh_auth_token(env: Mapping[str, str], host: str) -> str | None:
    """What `gh auth token --hostname HOST` prints, when gh is installed and logged in there."""
    gh = shutil.which("gh", path=env.get("PATH"))
    if gh is None:
        return None
    try:
        done = subprocess.run(
            [gh, "auth", "token", "--hostname", host],
            capture_output=True,
            text=True,
            timeout=GH_TIMEOUT,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    token = done.stdout.strip()
    if done.returncode != 0 or not token or any(c.isspace() for c in token):
        return None
    register(token)
    return token
