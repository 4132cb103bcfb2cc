"""The `secrets:` block: the Actions secrets a repository must have (presence only)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import Field, field_validator

from reconciler.desired.models import ACTIONS_NAME_SCHEMA, Ensure, StrictModel, actions_name_rule

# Where reconciler reads its own credentials (commands/support/credentials.py says in what
# order): never a value source for a repository secret.
OWN_TOKEN_VARIABLES = (
    "GH_TOKEN",
    "GITHUB_TOKEN",
    "GH_ENTERPRISE_TOKEN",
    "GITHUB_ENTERPRISE_TOKEN",
    "RECONCILER_APP_PRIVATE_KEY",
    "GITHUB_APP_PRIVATE_KEY",
)
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


SecretName = Annotated[
    str,
    actions_name_rule("secret"),
    Field(
        description=(
            "Letters, digits and underscores; not starting with a digit or GITHUB_. "
            "Compared case-insensitively, as GitHub does."
        ),
        json_schema_extra=ACTIONS_NAME_SCHEMA,
    ),
]


class SecretSpec(StrictModel):
    """One Actions secret a repository must have. Its value never appears in desired state."""

    name: SecretName
    from_env: Annotated[
        str | None,
        Field(
            description=(
                "Where apply reads the value: this environment variable, at apply time only. "
                "Without it, a missing secret is reported for a person to set."
            ),
            json_schema_extra={"pattern": _ENV_NAME.pattern},
        ),
    ] = None

    ensure: Ensure = Field(default="present", description="'absent' deletes the secret if it exists.")

    @field_validator("from_env", mode="before")
    @classmethod
    def _env_name(cls, value: Any) -> Any:
        if isinstance(value, str) and not _ENV_NAME.match(value):
            raise ValueError(f"{value!r} is not an environment variable name")
        if isinstance(value, str) and value.upper() in OWN_TOKEN_VARIABLES:
            raise ValueError(
                f"{value} holds reconciler's own token or key: sealing it into a repository secret would hand it "
                "to every workflow there; use a variable of its own"
            )
        return value


class SecretsSpec(StrictModel):
    """The Actions secrets a repository must have (presence only: values cannot be read)."""

    prune: bool | None = Field(
        default=None,
        description="Delete live secrets that are not declared. Off by default: they are kept.",
    )
    items: tuple[SecretSpec, ...] = Field(default=(), description="The declared secrets.")
