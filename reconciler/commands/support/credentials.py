"""Where a command's credentials come from, strongest first:

1. a GitHub App: `--app-id` and `--app-private-key FILE` (or RECONCILER_APP_ID and
   RECONCILER_APP_PRIVATE_KEY, the PEM text), with `--app-installation-id`
   (RECONCILER_APP_INSTALLATION_ID) to name the installation instead of finding it by owner;
   GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID, the names many
   workflows already use, stand in for the RECONCILER_ ones when none of those is set;
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
from reconciler.github.http.app_sources import AppSources
from reconciler.redaction import register

TOKEN_VARIABLES = ("GH_TOKEN", "GITHUB_TOKEN")
ENTERPRISE_TOKEN_VARIABLES = ("GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN")
GH_TIMEOUT = 15.0


@dataclass(frozen=True)
class AppVariables:
    """One family of environment variables that together name a GitHub App."""

    app_id: str
    private_key: str
    installation_id: str

    @property
    def names(self) -> tuple[str, str, str]:
        return (self.app_id, self.private_key, self.installation_id)


RECONCILER_APP = AppVariables("RECONCILER_APP_ID", "RECONCILER_APP_PRIVATE_KEY", "RECONCILER_APP_INSTALLATION_ID")
# The names workflows built around actions/create-github-app-token and the GitHub CLI's
# users already keep an App in. Not the bare APP_ID or PRIVATE_KEY: in a CI job those are as
# likely to be some other program's, and acting as the wrong App (or sending a key that is not
# one) is worse than asking for the right name.
GITHUB_APP = AppVariables("GITHUB_APP_ID", "GITHUB_APP_PRIVATE_KEY", "GITHUB_APP_INSTALLATION_ID")
# Strongest first: a family is read only when none of the one before it is set.
APP_VARIABLE_FAMILIES = (RECONCILER_APP, GITHUB_APP)
# Every variable a private key is read from (kinds/secrets/spec.py refuses them as secret values).
APP_KEY_VARIABLES = tuple(family.private_key for family in APP_VARIABLE_FAMILIES)
# What --help and the errors say about the order.
ORDER = (
    "a GitHub App (--app-id and --app-private-key, or RECONCILER_APP_ID and RECONCILER_APP_PRIVATE_KEY, "
    "else GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY), else GH_TOKEN, else GITHUB_TOKEN, else `gh auth token` "
    "for the API's host"
)


@dataclass(frozen=True)
class AppConfig:
    app_id: str
    private_key_pem: str = field(repr=False)
    key_source: str  # where the key came from, for errors: a file name or the variable
    installation_id: int | None = None
    # Where each setting was read, for the errors GitHub's refusals become.
    sources: AppSources = field(default_factory=AppSources)


@dataclass(frozen=True)
class TokenConfig:
    token: str = field(repr=False)
    source: str  # "GH_TOKEN", "gh auth token": what verify says the token came from


def _set(env: Mapping[str, str], name: str) -> str:
    # Blank is unset: Actions expands a secret it does not have to an empty string.
    return env.get(name, "").strip()


def app_variables(env: Mapping[str, str]) -> AppVariables:
    """The family of App variables in use: the first with its App ID or key set (an
    installation alone names no App)."""
    return next(
        (family for family in APP_VARIABLE_FAMILIES if _set(env, family.app_id) or _set(env, family.private_key)),
        RECONCILER_APP,
    )


def _unmixed(family: AppVariables, env: Mapping[str, str], options: GitHubOptions) -> None:
    """Half an App in one family and the rest in another is an error, not a guess: the two
    may well name two different Apps (reconciler's own and a workflow's). A weaker family that
    names a whole App of its own (ID and key) is simply not used."""
    given = (options.app_id, options.app_private_key, options.app_installation_id)
    for other in APP_VARIABLE_FAMILIES:
        if other is family or (_set(env, other.app_id) and _set(env, other.private_key)):
            continue
        for mine, theirs, given_here in zip(family.names, other.names, given, strict=True):
            if given_here or _set(env, mine) or not _set(env, theirs):
                continue
            used = " and ".join(name for name in family.names if _set(env, name))
            raise ConfigurationError(
                f"the GitHub App is configured by {used}, but {theirs} is set and {mine} is not: reconciler "
                f"takes an App's variables from one family, never half from each. Set {mine} too, or unset "
                f"{used} to use the {other.app_id.removesuffix('ID')}* variables"
            )


def app_config(options: GitHubOptions, env: Mapping[str, str]) -> AppConfig | None:
    """The App to act as, or None when none is configured; half a configuration is an error.
    Command-line options win over the variables, the RECONCILER_ ones over the GITHUB_APP_ ones."""
    family = app_variables(env)
    app_id = (options.app_id or _set(env, family.app_id)).strip()
    key_file = options.app_private_key
    key_text = env.get(family.private_key, "") if key_file is None else ""
    installation = (options.app_installation_id or _set(env, family.installation_id)).strip()
    if not app_id and key_file is None and not key_text.strip():
        if installation and options.app_installation_id:
            raise ConfigurationError("--app-installation-id needs --app-id and --app-private-key")
        return None
    _unmixed(family, env, options)
    if not app_id:
        given = str(key_file) if key_file is not None else family.private_key
        raise ConfigurationError(
            f"a GitHub App private key was given ({given}) but no App: give --app-id (or {family.app_id}), the "
            "App's ID or client ID from its settings page"
        )
    if key_file is None and not key_text.strip():
        raise ConfigurationError(
            f"--app-id needs the App's private key: --app-private-key FILE (the .pem GitHub made) or "
            f"{family.private_key} (its PEM text)"
        )
    # Loaded here, not at import: only a run as an App signs anything.
    from reconciler.github.http.app_jwt import read_private_key

    if key_file is not None:
        key_text = _read_key_file(key_file)
        source = str(key_file)
    else:
        source = family.private_key
    # read_private_key registers the key for redaction, whichever variable it came from.
    pem = read_private_key(key_text, source)
    sources = AppSources(
        app_id="--app-id" if options.app_id else family.app_id,
        private_key=source,
        installation_id="--app-installation-id" if options.app_installation_id else family.installation_id,
        key_variable=family.private_key,
        installation_variable=family.installation_id,
    )
    return AppConfig(app_id, pem, source, _installation_id(installation, family), sources)


def _read_key_file(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigurationError(f"--app-private-key: no file {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"--app-private-key: cannot read {path}: {type(exc).__name__}") from None
    register(text.strip())
    return text


def _installation_id(value: str, family: AppVariables) -> int | None:
    if not value:
        return None
    if not value.isdigit() or int(value) == 0:
        raise ConfigurationError(
            f"--app-installation-id ({family.installation_id}) must be an installation's number, not {value!r}"
        )
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
