"""The desired-state file format, as pydantic models.

These models are the single source of truth for the YAML format: the JSON Schemas in
`schemas/` are generated from them, and a test fails when the two disagree.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    field_validator,
    model_validator,
)

from reconciler.names import fold

_HEX_COLOUR = re.compile(r"^#?[0-9a-fA-F]{6}$")
_SLUG = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
_OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
_PACK_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")

NUMBER_NOT_TEXT = "was read as a number, not text"
# Where reconciler reads its own token, in order of precedence: never a value source for a
# repository secret.
OWN_TOKEN_VARIABLES = ("GITHUB_TOKEN", "GH_TOKEN")
LABEL_NAME_MAX = 50
LABEL_DESCRIPTION_MAX = 100
# GitHub's rule for Actions secret and variable names. The lookahead keeps the rule
# case-insensitive, as GitHub compares these names.
_ACTIONS_NAME = re.compile(r"^(?![Gg][Ii][Tt][Hh][Uu][Bb]_)[A-Za-z_][A-Za-z0-9_]*$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class StrictModel(BaseModel):
    """Unknown keys are errors: a typo must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


def normal_colour(value: str) -> str:
    """A label colour as GitHub compares it: six lower-case hex digits, no '#'."""
    return value.removeprefix("#").lower()


def _label_name(value: Any) -> Any:
    if isinstance(value, str):
        if value != value.strip():
            raise ValueError("label names cannot start or end with whitespace")
        if not value:
            raise ValueError("label names cannot be empty")
    return value


LabelName = Annotated[
    str,
    BeforeValidator(_label_name),
    Field(min_length=1, max_length=LABEL_NAME_MAX, description="Label name, as shown on GitHub."),
]


Ensure = Literal["present", "absent"]


class LabelSpec(StrictModel):
    """One label a repository must have (or, with ensure: absent, must not have)."""

    name: LabelName
    color: Annotated[
        str | None,
        Field(
            description=(
                "Six hex digits, with or without a leading '#'. Compared case-insensitively. "
                "Required unless ensure is absent."
            ),
            json_schema_extra={"pattern": _HEX_COLOUR.pattern},
        ),
    ] = None
    description: Annotated[
        str,
        Field(
            max_length=LABEL_DESCRIPTION_MAX,
            description="At most 100 characters. Omitted means empty.",
        ),
    ] = ""
    aliases: Annotated[
        tuple[LabelName, ...],
        Field(
            description=(
                "Earlier names of this label. A live label found under an alias is renamed in "
                "place, so issues and pull requests keep it. A label matching an alias is never deleted."
            ),
        ),
    ] = ()

    @field_validator("color", mode="before")
    @classmethod
    def _normalise_colour(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, str):
            if isinstance(value, int | float):
                raise ValueError(NUMBER_NOT_TEXT)
            return value
        if not _HEX_COLOUR.match(value):
            raise ValueError(f"{value!r} is not a colour: expected 6 hex digits such as 'd73a4a'")
        return normal_colour(value)

    ensure: Ensure = Field(
        default="present",
        description="'absent' deletes the label if it exists, e.g. to drop one a pack declares.",
    )

    @field_validator("description", mode="before")
    @classmethod
    def _empty_description(cls, value: Any) -> Any:
        return "" if value is None else value

    @model_validator(mode="after")
    def _colour_when_present(self) -> LabelSpec:
        if self.ensure == "present" and self.color is None:
            raise ValueError("'color' is required unless ensure is absent")
        return self


class LabelsSpec(StrictModel):
    """The labels a repository must have, and what happens to the others."""

    prune: bool | None = Field(
        default=None,
        description=(
            "Delete live labels that are not declared (and are not an alias of a declared label). "
            "Off by default: undeclared labels are kept. A later layer (organisation, repository) "
            "overrides an earlier one (pack)."
        ),
    )
    items: tuple[LabelSpec, ...] = Field(default=(), description="The declared labels.")


WORKFLOWS_DIRECTORY = ".github/workflows/"


def _check_workflow_path(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if value.startswith("/") or "\\" in value:
        raise ValueError(f"{value!r} must be a relative path like '.github/workflows/name.yml'")
    parts = value.split("/")
    if ".." in parts or "." in parts or "" in parts:
        raise ValueError(f"{value!r} must not contain '..', '.' or empty segments")
    if not value.startswith(WORKFLOWS_DIRECTORY) or len(parts) != 3:
        raise ValueError(f"{value!r} is not a file directly under {WORKFLOWS_DIRECTORY}")
    if not value.endswith((".yml", ".yaml")):
        raise ValueError(f"{value!r} must end in .yml or .yaml, or GitHub will not run it")
    return value


class WorkflowFileSpec(StrictModel):
    """A workflow file a repository must have (or must not have), copied byte for byte."""

    path: Annotated[
        str,
        BeforeValidator(_check_workflow_path),
        Field(
            description="Where the file lives in the repository, e.g. .github/workflows/agent.yml.",
            json_schema_extra={"pattern": r"^\.github/workflows/[^/]+\.ya?ml$"},
        ),
    ]
    source: Annotated[
        str | None,
        Field(
            description=(
                "The file's body: a path relative to the desired-state directory, e.g. "
                "workflows/autonomous-agent-loop.yml. Required unless ensure is absent."
            ),
        ),
    ] = None
    state: Literal["enabled", "disabled"] = Field(
        default="enabled",
        description="Whether GitHub runs the workflow. 'disabled' is the runbook's emergency stop.",
    )
    ensure: Ensure = Field(default="present", description="'absent' deletes the file from the repository.")
    agent: bool = Field(
        default=False,
        description="An agent workflow: `reconciler stop` disables it everywhere at once (the runbook's SEV-1).",
    )

    @model_validator(mode="after")
    def _source_when_present(self) -> WorkflowFileSpec:
        if self.ensure == "present" and self.source is None:
            raise ValueError("'source' is required unless ensure is absent")
        return self


class WorkflowsSpec(StrictModel):
    """Workflow files under .github/workflows/. Files nobody declares are never touched."""

    mode: Literal["commit", "pull-request"] | None = Field(
        default=None,
        description=(
            "How file changes land: one commit on the default branch, or the same commit on the "
            "branch reconciler/sync with a pull request. Default: commit."
        ),
    )
    items: tuple[WorkflowFileSpec, ...] = Field(default=(), description="The declared workflow files.")


def actions_name_problem(value: str, what: str) -> str | None:
    """Why `value` cannot name an Actions secret or variable on GitHub, or None when it can."""
    if not value:
        return f"{what} names cannot be empty"
    if value[0].isdigit():
        return f"{value!r} is not a valid {what} name: it must not start with a digit"
    if value.upper().startswith("GITHUB_"):
        return f"{value!r} is not a valid {what} name: the GITHUB_ prefix is reserved by GitHub"
    if not _ACTIONS_NAME.match(value):
        return f"{value!r} is not a valid {what} name: only letters, digits and underscores are allowed"
    return None


def _name_checker(what: str) -> Any:
    def check(value: Any) -> Any:
        if isinstance(value, str):
            problem = actions_name_problem(value, what)
            if problem is not None:
                raise ValueError(problem)
        return value

    return check


_ACTIONS_NAME_SCHEMA: dict[str, JsonValue] = {"pattern": _ACTIONS_NAME.pattern}

SecretName = Annotated[
    str,
    BeforeValidator(_name_checker("secret")),
    Field(
        description=(
            "Letters, digits and underscores; not starting with a digit or GITHUB_. "
            "Compared case-insensitively, as GitHub does."
        ),
        json_schema_extra=_ACTIONS_NAME_SCHEMA,
    ),
]

VariableName = Annotated[
    str,
    BeforeValidator(_name_checker("variable")),
    Field(json_schema_extra=_ACTIONS_NAME_SCHEMA),
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
                f"{value} holds reconciler's own token: sealing it into a repository secret would hand it "
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


def _variable_value(value: Any) -> Any:
    # GitHub stores text. An int has one obvious spelling; a float or a boolean does not
    # (YAML reads 1.10 as 1.1, and true/True/TRUE alike), so the author must quote it.
    if isinstance(value, bool):
        text = str(value).lower()
        raise ValueError(f'was read as a boolean ({text}), not text; quote it, e.g. "{text}"')
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise ValueError(NUMBER_NOT_TEXT)
    return value


VariableValue = Annotated[
    str,
    BeforeValidator(_variable_value),
    Field(
        description="Text. Integers are accepted and written as text; quote anything else.",
        json_schema_extra={"type": ["string", "integer"]},
    ),
]


class VariablesSpec(StrictModel):
    """The Actions variables a repository must have, and what happens to the others."""

    prune: bool | None = Field(
        default=None,
        description="Delete live variables that are not declared (or set by limits). Off by default.",
    )
    items: dict[VariableName, VariableValue | None] = Field(
        default_factory=dict,
        description="Variable name → value; null deletes it (e.g. to drop one a pack declares).",
        json_schema_extra={"propertyNames": _ACTIONS_NAME_SCHEMA},
    )


def _limit(variable: str, minimum: int, maximum: int, description: str) -> Any:
    return Field(
        default=None,
        ge=minimum,
        le=maximum,
        strict=True,
        description=f"{description} {minimum} to {maximum}; sets the Actions variable {variable}.",
        json_schema_extra={"x-actions-variable": variable},
    )


class LimitsSpec(StrictModel):
    """The runbook's knobs for the agent loop. Each one is written to one Actions variable,
    which the pack's workflow reads; this class is the one table of names and bounds."""

    max_issues: int | None = _limit("AUTONOMY_MAX_ISSUES", 0, 50, "Issues the agent loop takes per run.")
    max_prs: int | None = _limit("AUTONOMY_MAX_PRS", 0, 20, "Pull requests the agent may open per run.")
    max_runtime_minutes: int | None = _limit(
        "AUTONOMY_MAX_RUNTIME_MINUTES", 5, 360, "Minutes the agent job may run (GitHub's job maximum is 360)."
    )
    max_files_changed: int | None = _limit("AUTONOMY_MAX_FILES_CHANGED", 1, 1000, "Files one agent change may touch.")

    @classmethod
    def variable_for(cls, limit: str) -> str | None:
        """The Actions variable a limit sets, or None for a name that is not a limit."""
        field = cls.model_fields.get(limit)
        extra = field.json_schema_extra if field is not None else None
        return str(extra["x-actions-variable"]) if isinstance(extra, dict) else None

    @classmethod
    def limit_for(cls, variable: str) -> str | None:
        """The limit that sets an Actions variable (named in any case, as GitHub compares
        them), or None for a variable no limit sets."""
        wanted = fold(variable)
        return next((limit for limit in cls.model_fields if fold(str(cls.variable_for(limit))) == wanted), None)

    def variables(self) -> dict[str, tuple[str, str]]:
        """Variable name → (limit name, value as text), for every limit that is set."""
        out: dict[str, tuple[str, str]] = {}
        for limit in type(self).model_fields:
            value = getattr(self, limit)
            variable = self.variable_for(limit)
            if value is not None and variable is not None:
                out[variable] = (limit, str(value))
        return out


def _check_slug(value: Any) -> Any:
    if isinstance(value, str) and not _SLUG.match(value):
        raise ValueError(f"{value!r} is not a repository: expected 'owner/name'")
    return value


class ContentSpec(StrictModel):
    """What a pack, an organisation or a repository declares. Later layers override earlier ones:
    pack < organisation < repository."""

    labels: LabelsSpec | None = Field(default=None, description="Labels. Leave out to leave labels alone.")
    workflows: WorkflowsSpec | None = Field(
        default=None, description="GitHub Actions workflow files and whether each is enabled."
    )
    secrets: SecretsSpec | None = Field(
        default=None, description="Actions secrets, by name. Leave out to leave secrets alone."
    )
    variables: VariablesSpec | None = Field(
        default=None, description="Actions variables. Leave out to leave variables alone (limits aside)."
    )
    limits: LimitsSpec | None = Field(
        default=None,
        description=(
            "The agent loop's limits, each written to an Actions variable. Without a 'variables' "
            "block, only those variables are managed."
        ),
    )


PackName = Annotated[
    str,
    Field(
        description="A pack's name: letters, digits, '-', '_' and '.'.",
        json_schema_extra={"pattern": _PACK_NAME.pattern},
    ),
]


def _check_pack_name(value: Any) -> Any:
    if isinstance(value, str) and not _PACK_NAME.match(value):
        raise ValueError(f"{value!r} is not a pack name: use letters, digits, '-', '_' and '.'")
    return value


class PackUse(StrictModel):
    """A pack applied to a target, with options."""

    name: Annotated[PackName, BeforeValidator(_check_pack_name)]
    uninstall: bool = Field(
        default=False,
        description=(
            "Remove exactly what this pack put in the target (labels, workflow files, variables; "
            "secrets only with --include-secrets), keeping anything another layer declares."
        ),
    )


PackRef = Annotated[PackName, BeforeValidator(_check_pack_name)] | PackUse


class PackSpec(ContentSpec):
    """A named, reusable bundle of labels, workflows, secrets, variables and limits."""

    name: Annotated[PackName, BeforeValidator(_check_pack_name)]
    description: str = Field(default="", description="What the pack is for.")


class SelectSpec(StrictModel):
    """Which of an organisation's repositories a target applies to, from the live list."""

    include: tuple[str, ...] = Field(
        default=("*",), description="Glob patterns on the repository name (case-insensitive)."
    )
    exclude: tuple[str, ...] = Field(default=(), description="Glob patterns to leave out, after include.")
    topics: tuple[str, ...] = Field(default=(), description="A repository must carry every one of these topics.")
    archived: bool = Field(default=False, description="Also select archived repositories (read-only on GitHub).")
    forks: bool = Field(default=False, description="Also select forks.")


class OrganizationSpec(ContentSpec):
    """Packs and values for every repository of an organisation that the selector matches."""

    organization: Annotated[
        str,
        Field(description="The organisation's login.", json_schema_extra={"pattern": _OWNER.pattern}),
    ]
    select: SelectSpec = Field(default_factory=SelectSpec, description="Which repositories.")
    packs: tuple[PackRef, ...] = Field(default=(), description="Packs applied to every selected repository.")

    @field_validator("organization", mode="before")
    @classmethod
    def _owner(cls, value: Any) -> Any:
        if isinstance(value, str) and not _OWNER.match(value):
            raise ValueError(f"{value!r} is not an organisation login")
        return value


class RepositorySpec(ContentSpec):
    """What one repository must have: its packs, and values that override them."""

    repository: Annotated[
        str,
        Field(
            description="The repository, as owner/name.",
            json_schema_extra={"pattern": _SLUG.pattern},
        ),
    ]
    packs: tuple[PackRef, ...] = Field(default=(), description="Packs applied to this repository.")

    @field_validator("repository", mode="before")
    @classmethod
    def _slug(cls, value: Any) -> Any:
        return _check_slug(value)


class DesiredStateFile(StrictModel):
    """One YAML file under desired-state/."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="reconciler desired state",
        json_schema_extra={"$id": "https://reconciler.dev/schemas/desired-state.schema.json"},
    )

    version: Literal[1] = Field(default=1, description="Format version of this file.")
    packs: tuple[PackSpec, ...] = Field(default=(), description="Reusable bundles (usually in packs/).")
    organizations: tuple[OrganizationSpec, ...] = Field(
        default=(), description="Organisation-wide targets: a selector over the live repositories, and packs."
    )
    repositories: tuple[RepositorySpec, ...] = Field(default=(), description="Repositories and what each must have.")
