"""The generic part of the desired-state format, as pydantic models.

A document holds packs, organisation targets and repository targets; each entry holds blocks
(`labels:`, `workflows:`...), whose models belong to the kinds that read them. `documents.py`
puts the two together for the blocks the kinds registry lists. The JSON Schemas in `schemas/`
are generated from the result, and a test fails when the two disagree.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, JsonValue

from reconciler.names import (
    ACTIONS_NAME,
    OWNER,
    SLUG,
    actions_name_problem,
    glob_problem,
    owner_problem,
    slug_problem,
)

_PACK_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")

NUMBER_NOT_TEXT = "was read as a number, not text"

Ensure = Literal["present", "absent"]


class StrictModel(BaseModel):
    """Unknown keys are errors: a typo must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


def check_slug(value: Any) -> Any:
    problem = slug_problem(value) if isinstance(value, str) else None
    if problem is not None:
        raise ValueError(problem)
    return value


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


def _check_glob(value: Any) -> Any:
    problem = glob_problem(value) if isinstance(value, str) else None
    if problem is not None:
        raise ValueError(problem)
    return value


# fnmatch patterns over repository names: name characters, `*`, `?` and `[seq]`/`[!seq]`.
Glob = Annotated[
    str,
    BeforeValidator(_check_glob),
    Field(json_schema_extra={"pattern": r"^[A-Za-z0-9._*?!\[\]-]+$"}),
]


class SelectSpec(StrictModel):
    """Which of an organisation's repositories a target applies to, from the live list."""

    include: tuple[Glob, ...] = Field(
        default=("*",), description="Glob patterns on the repository name (case-insensitive)."
    )
    exclude: tuple[Glob, ...] = Field(default=(), description="Glob patterns to leave out, after include.")
    topics: tuple[str, ...] = Field(default=(), description="A repository must carry every one of these topics.")
    archived: bool = Field(default=False, description="Also select archived repositories (read-only on GitHub).")
    forks: bool = Field(default=False, description="Also select forks.")


def _check_owner(value: Any) -> Any:
    problem = owner_problem(value) if isinstance(value, str) else None
    if problem is not None:
        raise ValueError(problem)
    return value


PackNameField = Annotated[PackName, BeforeValidator(_check_pack_name)]
OrganizationLogin = Annotated[
    str,
    BeforeValidator(_check_owner),
    Field(description="The organisation's login.", json_schema_extra={"pattern": OWNER.pattern}),
]
RepositorySlug = Annotated[
    str,
    BeforeValidator(check_slug),
    Field(description="The repository, as owner/name.", json_schema_extra={"pattern": SLUG.pattern}),
]


# The pattern of an Actions secret or variable name, for the JSON Schema.
ACTIONS_NAME_SCHEMA: dict[str, JsonValue] = {"pattern": ACTIONS_NAME.pattern}


def actions_name_rule(what: str) -> BeforeValidator:
    """GitHub's rule for an Actions secret or variable name, as a validator whose message names
    `what` ("secret", "variable")."""

    def check(value: Any) -> Any:
        if isinstance(value, str):
            problem = actions_name_problem(value, what)
            if problem is not None:
                raise ValueError(problem)
        return value

    return BeforeValidator(check)
