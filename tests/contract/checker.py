"""Hold HTTP exchanges (sandbox responses, adapter requests) to GitHub's OpenAPI contract.

The contract is `tests/data/github-openapi-subset.json`, extracted from GitHub's own
description by `scripts/extract_github_openapi.py`. `ContractChecker.check(exchange)`
returns human-readable violations; an empty list means the exchange is one real GitHub
could have served.

Validation is openapi-core's (request parameters and body, response body and headers),
driven through a small adapter. Layered on top:

* Routing is done here, against the subset's templates. openapi-core would otherwise scan
  every path and server per call, and "operation not in the subset" is more useful than
  its "path not found".
* Statuses: 304 on any GET, and error statuses the operation does not document, are
  allowed when shaped like GitHub's (`basic-error`/`validation-error` with a `message`).
* Speed: JSON Schema validators are built once per schema location, and parameter and
  header verdicts are memoised by their inputs (jsonschema-path's walk over the spec
  costs more than validating), so a typical check takes well under a millisecond.
* Two leniencies for how GitHub writes its description (see `_lenient_keywords`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast
from urllib.parse import unquote

from jsonschema import validators as jsonschema_validators
from jsonschema.exceptions import ValidationError as SchemaError
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from jsonschema_path import SchemaPath
from openapi_core import OpenAPI
from openapi_core.casting.schemas import oas30_types_caster
from openapi_core.casting.schemas.factories import SchemaCastersFactory
from openapi_core.datatypes import RequestParameters
from openapi_core.protocols import Request
from openapi_core.templating.datatypes import TemplateResult
from openapi_core.templating.paths.datatypes import PathOperationServer
from openapi_core.validation.request.exceptions import (
    MissingRequestBody,
    ParameterValidationError,
    RequestBodyValidationError,
)
from openapi_core.validation.request.validators import V30RequestBodyValidator, V30RequestParametersValidator
from openapi_core.validation.response.exceptions import DataValidationError, HeaderValidationError
from openapi_core.validation.response.validators import V30ResponseDataValidator, V30ResponseHeadersValidator
from openapi_core.validation.schemas.datatypes import FormatValidatorsDict
from openapi_core.validation.schemas.exceptions import InvalidSchemaValue
from openapi_core.validation.schemas.factories import SchemaValidatorsFactory
from openapi_core.validation.schemas.validators import SchemaValidator
from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator
from referencing import Registry, Resource
from werkzeug.datastructures import Headers, ImmutableMultiDict

if TYPE_CHECKING:
    from .graphql_checker import GraphQLContractChecker

DEFAULT_SUBSET = Path(__file__).resolve().parents[1] / "data" / "github-openapi-subset.json"
SANDBOX_CONTROL_PREFIX = "/_sandbox/"
GRAPHQL_PATHS = frozenset({"/graphql", "/api/graphql"})
NOT_IN_SUBSET = "operation not in the contract subset: add it to tests/contract/operations.txt and re-run the script"
# GitHub answers any endpoint with these shapes, documented or not. `basic-error` lists
# no required fields, so `message` (which GitHub always sends) is required on top: an
# arbitrary JSON object must not pass as a GitHub error.
ERROR_SCHEMAS = ("basic-error", "validation-error")
ERROR_REQUIRED_FIELDS = ("message",)
# Long instance reprs in jsonschema messages drown the reason; keep them this short.
MAX_REPR = 80
BODYLESS_STATUSES = frozenset({204, 304})
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
_REQUIRED_MESSAGE = re.compile(r"^(.*) is a required property$")


class Exchange(Protocol):
    """What the sandbox records per request; any object with these attributes works."""

    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def query(self) -> Mapping[str, list[str]]: ...
    @property
    def request_headers(self) -> Mapping[str, str]: ...
    @property
    def request_body(self) -> bytes: ...
    @property
    def status(self) -> int: ...
    @property
    def response_headers(self) -> Mapping[str, str]: ...
    @property
    def response_body(self) -> bytes: ...
    @property
    def route(self) -> str: ...


# --- JSON Schema: GitHub leniencies and cached validators -----------------------------

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


def _lenient_keywords(base: type[Validator]) -> type[Validator]:
    keywords = base.VALIDATORS
    extended: type[Validator] = jsonschema_validators.extend(
        base,
        {
            "oneOf": _nullable_first(_one_of_as_any_of(keywords["oneOf"], keywords["anyOf"])),
            "anyOf": _nullable_first(keywords["anyOf"]),
            "allOf": _nullable_first(keywords["allOf"]),
            "enum": _nullable_first(keywords["enum"]),
        },
    )
    return extended


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


# --- openapi-core adapter -------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One operation of the subset, resolved once for every exchange that hits it."""

    method: str  # upper case
    template: str
    pattern: re.Pattern[str]  # one path segment per variable
    loose_pattern: re.Pattern[str]  # variables may span '/', for already-decoded paths
    resolved: PathOperationServer
    statuses: frozenset[str]
    parameters: tuple[tuple[str, str], ...]  # declared (location, name), for memo keys
    body_required: bool
    response_headers: Mapping[str, tuple[str, ...]]  # response key -> documented headers

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}"

    def response_key(self, status: int) -> str | None:
        # The same precedence openapi-core's ResponseFinder uses.
        for key in (str(status), f"{str(status)[0]}XX", "default"):
            if key in self.statuses:
                return key
        return None


class ExchangeRequest:
    """openapi-core's Request (and SupportsPathPattern) protocol over an Exchange."""

    def __init__(self, exchange: Exchange, route: Route, path_params: dict[str, str], host_url: str) -> None:
        self.route = route
        self.host_url = host_url
        self.path = exchange.path
        self.path_pattern = route.template
        self.method = exchange.method.lower()
        headers = _lower_keys(exchange.request_headers)
        self._query: ImmutableMultiDict[str, str] = ImmutableMultiDict(
            [(k, v) for k, values in exchange.query.items() for v in values]
        )
        self.parameters = RequestParameters(query=self._query, header=Headers(list(headers.items())), path=path_params)
        self.body: bytes | None = exchange.request_body or None
        self.content_type = headers.get("content-type", "").lower()

    def parameters_key(self) -> tuple[Any, ...]:
        """Everything parameter validation depends on: equal keys, equal verdicts."""
        values: list[Any] = []
        for location, name in self.route.parameters:
            if location == "query":
                values.append(tuple(self._query.getlist(name)))
            elif location == "header":
                values.append(self.parameters.header.get(name))
            elif location == "path":
                values.append(self.parameters.path.get(name))
            else:
                values.append(self.parameters.cookie.get(name))
        return (self.route.name, *values)


class ExchangeResponse:
    """openapi-core's Response protocol over an Exchange."""

    def __init__(self, exchange: Exchange) -> None:
        headers = _lower_keys(exchange.response_headers)
        self.status_code = exchange.status
        self.headers = Headers(list(headers.items()))
        self.content_type = headers.get("content-type", "").lower()
        self.data: bytes | None = exchange.response_body or None


class _KnownRoute:
    # The checker has already routed the exchange; skip openapi-core's path search.
    def _find_path(self, request: Request) -> PathOperationServer:
        return cast(ExchangeRequest, request).route.resolved


class RequestParametersValidator(_KnownRoute, V30RequestParametersValidator):
    pass


class RequestBodyValidator(_KnownRoute, V30RequestBodyValidator):
    pass


class ResponseDataValidator(_KnownRoute, V30ResponseDataValidator):
    pass


class ResponseHeadersValidator(_KnownRoute, V30ResponseHeadersValidator):
    pass


def _lower_keys(headers: Mapping[str, str]) -> dict[str, str]:
    return {key.lower(): value for key, value in headers.items()}


class _Memo:
    """Verdicts keyed by their inputs, bounded so a long suite cannot grow it forever."""

    def __init__(self, limit: int = 4096) -> None:
        self._limit = limit
        self._verdicts: dict[tuple[Any, ...], tuple[str, ...]] = {}

    def get(self, key: tuple[Any, ...], compute: Callable[[], Iterable[str]]) -> tuple[str, ...]:
        verdict = self._verdicts.get(key)
        if verdict is None:
            if len(self._verdicts) >= self._limit:
                self._verdicts.clear()
            verdict = self._verdicts[key] = tuple(compute())
        return verdict


# --- the checker ----------------------------------------------------------------------


class ContractChecker:
    """Checks exchanges against the OpenAPI subset. Build once; `check` is cheap."""

    def __init__(self, spec_contents: dict[str, Any]) -> None:
        self._openapi = OpenAPI.from_dict(spec_contents)  # also validates the document
        spec = self._openapi.spec
        # The subset names api.github.com; the sandbox listens on 127.0.0.1. Present every
        # request as if sent to the documented server so server matching is moot.
        self._host_url = str(spec_contents["servers"][0]["url"]).rstrip("/")
        write = _validator_options(CachingSchemaValidatorsFactory(RequestSchemaValidator, spec_contents))
        read = _validator_options(CachingSchemaValidatorsFactory(ResponseSchemaValidator, spec_contents))
        self._parameters_validator = RequestParametersValidator(spec, **write)
        self._body_validator = RequestBodyValidator(spec, **write)
        self._data_validator = ResponseDataValidator(spec, **read)
        self._headers_validator = ResponseHeadersValidator(spec, **read)
        self._error_validators = [
            read["schema_validators_factory"].create(spec, spec / "components" / "schemas" / name)
            for name in ERROR_SCHEMAS
        ]
        self._routes = _build_routes(spec, spec_contents, self._host_url)
        # Parameters and headers repeat across a suite (same owner/repo, per_page=100);
        # their SchemaPath walk costs more than the validation itself.
        self._parameter_verdicts = _Memo()
        self._header_verdicts = _Memo()
        self._graphql: GraphQLContractChecker | None = None

    def _graphql_checker(self) -> GraphQLContractChecker:
        if self._graphql is None:
            from .graphql_checker import GraphQLContractChecker

            self._graphql = GraphQLContractChecker.from_file()
        return self._graphql

    @classmethod
    def from_file(cls, path: str | Path = DEFAULT_SUBSET) -> ContractChecker:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    @property
    def operations(self) -> list[str]:
        return sorted(route.name for route in self._routes)

    def check(self, exchange: Exchange) -> list[str]:
        """Violations of the contract by this exchange, as sentences; empty when fine."""
        if exchange.path.startswith(SANDBOX_CONTROL_PREFIX):
            return []
        if exchange.method.upper() == "POST" and exchange.path in GRAPHQL_PATHS:
            # GraphQL is held to GitHub's GraphQL schema, not to the REST description.
            return self._graphql_checker().check(exchange)
        found = self._route(exchange)
        if found is None:
            served_as = f" (sandbox route {exchange.route})" if exchange.route else ""
            return [f"{exchange.method.upper()} {exchange.path}{served_as} -> {exchange.status}: {NOT_IN_SUBSET}"]
        route, path_params = found
        request = ExchangeRequest(exchange, route, path_params, self._host_url)
        response = ExchangeResponse(exchange)
        problems = [*self._request_problems(request), *self._response_problems(route, request, response)]
        prefix = f"{route.name} -> {exchange.status}: "
        return [prefix + problem for problem in problems]

    def check_all(self, exchanges: Iterable[Exchange]) -> list[str]:
        return [violation for exchange in exchanges for violation in self.check(exchange)]

    # routing

    def _route(self, exchange: Exchange) -> tuple[Route, dict[str, str]] | None:
        method = exchange.method.upper()
        for route in self._routes:
            if route.method == method and (match := route.pattern.fullmatch(exchange.path)):
                return route, {k: unquote(v) for k, v in match.groupdict().items()}
        # A sandbox that records decoded paths turns a label called "a/b" into two
        # segments; its route template still says which operation it served.
        for route in self._routes:
            if (
                route.method == method
                and route.template == exchange.route
                and (match := route.loose_pattern.fullmatch(exchange.path))
            ):
                return route, dict(match.groupdict())
        return None

    # request

    def _request_problems(self, request: ExchangeRequest) -> Iterator[str]:
        yield from self._parameter_verdicts.get(
            request.parameters_key(),
            lambda: _describe_all(self._parameters_validator.iter_errors(request), "request"),
        )
        if request.body is None and not request.route.body_required:
            return
        for error in self._body_validator.iter_errors(request):
            if not isinstance(error, MissingRequestBody):  # an optional body may be absent
                yield from _describe(error, "request")

    # response

    def _response_problems(self, route: Route, request: ExchangeRequest, response: ExchangeResponse) -> Iterator[str]:
        status = response.status_code
        if status in BODYLESS_STATUSES and response.data:
            # openapi-core ignores a body the operation does not document; HTTP forbids it.
            yield f"response body: a {status} response must have an empty body"
        key = route.response_key(status)
        if key is not None:
            yield from _describe_all(self._data_validator.iter_errors(request, response), "response")
            yield from self._response_header_problems(route, key, request, response)
            if status >= 400:
                yield from _error_message_problems(response)
        elif status == 304 and route.method == "GET":
            pass  # GitHub may answer any conditional GET with 304, documented or not.
        elif status >= 400:
            yield from self._undocumented_error_problems(response)
        else:
            documented = ", ".join(sorted(route.statuses))
            yield f"status {status} is not documented for this operation (documented: {documented})"

    def _response_header_problems(
        self, route: Route, key: str, request: ExchangeRequest, response: ExchangeResponse
    ) -> Iterator[str]:
        names = route.response_headers.get(key, ())
        if not names:
            return
        memo_key = (route.name, key, *(response.headers.get(name) for name in names))
        yield from self._header_verdicts.get(
            memo_key,
            lambda: _describe_all(self._headers_validator.iter_errors(request, response), "response"),
        )

    def _undocumented_error_problems(self, response: ExchangeResponse) -> Iterator[str]:
        status = response.status_code
        where = f"undocumented error status {status} must carry a GitHub error body"
        if not response.content_type.startswith("application/json"):
            yield f"{where}: content-type is {response.content_type or 'missing'!r}, not application/json"
            return
        try:
            body = json.loads(response.data or b"")
        except ValueError as exc:
            yield f"{where}: body is not JSON ({exc})"
            return
        if not isinstance(body, dict):
            yield f"{where}: body is {_short_repr(body)}, not a JSON object"
            return
        missing = _missing_error_fields(body)
        if missing:
            yield f"{where}: {missing}"
            return
        closest: list[str] = []
        for validator in self._error_validators:
            errors = list(validator.validator.iter_errors(body))
            if not errors:
                return
            closest = [_format_schema_error(error, "response body") for error in errors]
        names = " or ".join(ERROR_SCHEMAS)
        yield f"{where} ({names}); " + "; ".join(closest)


def _error_message_problems(response: ExchangeResponse) -> Iterator[str]:
    # The schema check has run already; this only adds what GitHub always sends.
    try:
        body = json.loads(response.data or b"")
    except ValueError:
        return
    if isinstance(body, dict) and (missing := _missing_error_fields(body)):
        yield f"response body: GitHub error bodies always carry a message: {missing}"


def _missing_error_fields(body: Mapping[str, Any]) -> str:
    missing = [name for name in ERROR_REQUIRED_FIELDS if not isinstance(body.get(name), str)]
    return ", ".join(f"{name!r} must be a string" for name in missing)


def _validator_options(factory: CachingSchemaValidatorsFactory) -> dict[str, Any]:
    return {
        "schema_validators_factory": factory,
        # Casting query/path strings to integers also builds schema validators.
        "schema_casters_factory": SchemaCastersFactory(factory, oas30_types_caster),
    }


def _build_routes(spec: SchemaPath, contents: Mapping[str, Any], host_url: str) -> list[Route]:
    routes: list[Route] = []
    server = spec / "servers" / 0
    for template, path_item in contents["paths"].items():
        shared = [_deref(contents, p) for p in path_item.get("parameters", [])]
        for method, operation in path_item.items():
            if method not in HTTP_METHODS:
                continue
            own = [_deref(contents, p) for p in operation.get("parameters", [])]
            responses = {code: _deref(contents, r) for code, r in operation.get("responses", {}).items()}
            routes.append(
                Route(
                    method=method.upper(),
                    template=template,
                    pattern=_template_regex(template, "[^/]+"),
                    loose_pattern=_template_regex(template, ".+"),
                    resolved=PathOperationServer(
                        spec / "paths" / template,
                        spec / "paths" / template / method,
                        server,
                        TemplateResult(template, {}),
                        TemplateResult(host_url, {}),
                    ),
                    statuses=frozenset(responses),
                    parameters=tuple(sorted({(p["in"], p["name"]) for p in [*own, *shared]})),
                    body_required=bool(_deref(contents, operation.get("requestBody", {})).get("required")),
                    response_headers={
                        code: tuple(sorted(response.get("headers", {}))) for code, response in responses.items()
                    },
                )
            )
    # OpenAPI: a literal segment wins over a variable (`/issues/comments/{id}` must not be
    # taken for `/issues/{issue_number}`), so try the most literal templates first.
    routes.sort(key=lambda route: _specificity(route.template))
    return routes


def _deref(contents: Mapping[str, Any], node: Any) -> Any:
    # Local refs only (`#/components/...`): the extraction script guarantees that.
    while isinstance(node, dict) and "$ref" in node:
        target: Any = contents
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _template_regex(template: str, variable: str) -> re.Pattern[str]:
    parts = re.split(r"\{([^}]+)\}", template)
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>{variable})" for index, part in enumerate(parts)
    )
    return re.compile(regex)


def _specificity(template: str) -> tuple[int, ...]:
    return tuple(1 if segment.startswith("{") else 0 for segment in template.split("/"))


# --- turning openapi-core errors into sentences ---------------------------------------


def _describe_all(errors: Iterable[Exception], side: str) -> Iterator[str]:
    for error in errors:
        yield from _describe(error, side)


def _describe(error: Exception, side: str) -> Iterator[str]:
    subject = _subject(error, side)
    cause = error.__cause__
    if isinstance(cause, InvalidSchemaValue):
        yield from _describe_schema_errors(cause.schema_errors, subject)
    else:
        # Deserialisation errors quote the whole body; a few hundred characters will do.
        yield f"{subject}: {_clip(str(cause if cause is not None else error))}"


def _describe_schema_errors(errors: Iterable[Exception], subject: str) -> Iterator[str]:
    # A skeletal object misses a dozen properties at once: one line, not twelve.
    missing: dict[str, list[str]] = {}
    for error in errors:
        if not isinstance(error, SchemaError):
            yield f"{subject}: {error}"
        elif error.validator == "required" and (match := _REQUIRED_MESSAGE.match(error.message)):
            missing.setdefault(subject + _json_path(error.absolute_path), []).append(match.group(1))
        else:
            yield _format_schema_error(error, subject)
    for where, names in missing.items():
        if len(names) == 1:
            yield f"{where}: {names[0]} is a required property"
        else:
            yield f"{where}: missing required properties {', '.join(names)}"


def _subject(error: Exception, side: str) -> str:
    if isinstance(error, ParameterValidationError):
        return f"{side} {error.location} parameter {error.name!r}"
    if isinstance(error, HeaderValidationError):
        return f"{side} header {error.name!r}"
    if isinstance(error, RequestBodyValidationError | DataValidationError):
        return f"{side} body"
    return side


def _format_schema_error(error: SchemaError, subject: str) -> str:
    where = subject + _json_path(error.absolute_path)
    message = _shorten(error)
    if error.context:
        # For anyOf/oneOf, say why the most plausible branch failed.
        closest = best_match(error.context)
        if closest is not None:
            inner = _json_path(closest.relative_path)
            message += f" (closest branch{': at ' + inner if inner else ''}: {_shorten(closest)})"
    return f"{where}: {message}"


def _json_path(path: Iterable[str | int]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)


def _shorten(error: SchemaError) -> str:
    # jsonschema puts `repr(instance)` in messages; a whole issue object is noise.
    message = str(error.message)
    full = repr(error.instance)
    if len(full) <= MAX_REPR:
        return message
    return message.replace(full, _short_repr(error.instance))


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _short_repr(value: Any) -> str:
    text = repr(value)
    if len(text) <= MAX_REPR:
        return text
    if isinstance(value, dict):
        return "{" + ", ".join(repr(key) for key in list(value)[:5]) + ", ...}"
    return text[: MAX_REPR - 3] + "..."
