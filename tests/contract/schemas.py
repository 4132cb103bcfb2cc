"""JSON Schema for GitHub's OpenAPI description: four leniencies for how GitHub writes it,
and validators built once per schema location (see `CachingSchemaValidatorsFactory`)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from jsonschema import validators as jsonschema_validators
from jsonschema.exceptions import ValidationError as SchemaError
from jsonschema.protocols import Validator
from jsonschema_path import SchemaPath
from openapi_core.validation.schemas.datatypes import FormatValidatorsDict
from openapi_core.validation.schemas.factories import SchemaValidatorsFactory
from openapi_core.validation.schemas.validators import SchemaValidator
from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator
from referencing import Registry, Resource

Keyword = Callable[[Any, Any, Any, Mapping[str, Any]], Iterator[SchemaError]]


def _nullable_first(keyword: Keyword) -> Keyword:
    # GitHub means `nullable: true` as "null is a valid value" for the whole schema, but
    # openapi-schema-validator (following OAS 3.0.3's wording) only lets null past `type`.
    # So `{"nullable": true, "oneOf": [...]}` (PATCH issue `milestone`, documented as "use
    # null to remove") fails every branch, and `{"type": "string", "nullable": true, "enum":
    # [...]}` (issue `state_reason`, null on every open issue) fails the enum.
    def check(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[SchemaError]:
        if instance is None and schema.get("nullable") is True:
            return
        yield from keyword(validator, value, instance, schema)

    return check


def _one_of_as_any_of(one_of: Keyword, any_of: Keyword) -> Keyword:
    # GitHub's `oneOf` branches overlap (e.g. validation-error `value`: three nullable
    # types, so null matches all three and "exactly one" fails). A response matching two
    # documented shapes is not the server's fault, so require at least one. With a
    # discriminator only one branch is tried anyway, so keep that behaviour, except where
    # the instance is no object and so has nothing to discriminate by: GitHub's contents
    # schema maps "array" (a directory listing) to an array branch.
    def check(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[SchemaError]:
        if "discriminator" not in schema:
            yield from any_of(validator, value, instance, schema)
        elif validator.is_type(instance, "object"):
            yield from one_of(validator, value, instance, schema)
        else:
            plain = {key: item for key, item in schema.items() if key != "discriminator"}
            yield from any_of(validator, value, instance, plain)

    return check


# An installation's `account` is a user or an enterprise: the `installation` schema says
# `anyOf`, but the copy of it GitHub inlines into `GET /app/installations` says `allOf`,
# which no account (a user has no `slug`, an enterprise no `login`) could satisfy.
_EITHER_ACCOUNT = frozenset({"Simple User", "Enterprise"})


def _account_all_of_as_any_of(all_of: Keyword, any_of: Keyword) -> Keyword:
    def check(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[SchemaError]:
        titles = {branch.get("title") for branch in value if isinstance(branch, Mapping)}
        if len(value) == len(_EITHER_ACCOUNT) and titles == _EITHER_ACCOUNT:
            yield from any_of(validator, value, instance, schema)
        else:
            yield from all_of(validator, value, instance, schema)

    return check


def _lenient_keywords(base: type[Validator]) -> type[Validator]:
    keywords = base.VALIDATORS
    extended: type[Validator] = jsonschema_validators.extend(
        base,
        {
            "oneOf": _nullable_first(_one_of_as_any_of(keywords["oneOf"], keywords["anyOf"])),
            "anyOf": _nullable_first(keywords["anyOf"]),
            "allOf": _nullable_first(_account_all_of_as_any_of(keywords["allOf"], keywords["anyOf"])),
            "enum": _nullable_first(keywords["enum"]),
        },
    )
    return extended


# Query parameters documented as `format: date-time` whose description sends the reader to
# GitHub's search syntax for dates (`created` of the workflow-run lists) take that syntax:
# `2026-12-04`, `>=2026-12-04`, `<2026-12-04T10:00:00Z`, `2026-12-01..2026-12-05`, `*..D`.
# PyGithub and GitHub's own examples send it; the bare format would refuse every one.
SEARCH_SYNTAX_LINK = "understanding-the-search-syntax#query-for-dates"
_DATE = r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?"
SEARCH_DATE_PATTERN = rf"^(?:(?:>=|<=|>|<)?{_DATE}|(?:{_DATE}|\*)\.\.(?:{_DATE}|\*))$"


def with_search_syntax_dates(spec_contents: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the description whose search-syntax date parameters take the syntax."""
    widened = copy.deepcopy(dict(spec_contents))
    parameters = [*widened.get("components", {}).get("parameters", {}).values()]
    for path_item in widened.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict):
                parameters += [p for p in operation.get("parameters", []) if "$ref" not in p]
    for parameter in parameters:
        schema = parameter.get("schema", {})
        if schema.get("format") == "date-time" and SEARCH_SYNTAX_LINK in parameter.get("description", ""):
            parameter["schema"] = {"type": "string", "pattern": SEARCH_DATE_PATTERN}
    return widened


ResponseSchemaValidator = _lenient_keywords(OAS30ReadValidator)
RequestSchemaValidator = _lenient_keywords(OAS30WriteValidator)


class CachingSchemaValidatorsFactory(SchemaValidatorsFactory):
    """openapi-core's factory, but one validator per schema location, built once.

    `$ref`s resolve through a plain `referencing` registry over the spec dict, which is
    several times faster than resolving through jsonschema-path's accessors.
    """

    def __init__(self, validator_cls: type[Validator], spec_contents: Mapping[str, Any]) -> None:
        super().__init__(validator_cls)
        registry: Registry[Any] = Registry().with_resource("", Resource.opaque(spec_contents))
        self._resolver = registry.resolver(base_uri="")
        self._cache: dict[tuple[Any, ...], SchemaValidator] = {}

    def create(
        self,
        spec: SchemaPath,
        schema: SchemaPath,
        format_validators: FormatValidatorsDict | None = None,
        extra_format_validators: FormatValidatorsDict | None = None,
        forbid_unspecified_additional_properties: bool = False,
        enforce_properties_required: bool = False,
    ) -> SchemaValidator:
        options = (forbid_unspecified_additional_properties, enforce_properties_required)
        if format_validators is not None or extra_format_validators is not None or any(options):
            # Not used by this checker; fall back rather than cache a variant wrongly.
            return super().create(spec, schema, format_validators, extra_format_validators, *options)
        key = tuple(schema.parts)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._build(schema)
        return cached

    def _build(self, schema: SchemaPath) -> SchemaValidator:
        with schema.resolve() as resolved:
            contents = resolved.contents
        validator = self.schema_validator_cls(contents, _resolver=self._resolver, format_checker=self.format_checker)
        return SchemaValidator(schema, validator)
