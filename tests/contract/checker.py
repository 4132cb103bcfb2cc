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
* `HEAD` is checked as the operation's `GET` with an empty body (GitHub answers HEAD like
  GET); custom media types the description documents are accepted (see `media`).
* Versions: a response answered in a later API version (`X-GitHub-Api-Version-Selected`)
  is held to the description as of that version (see `versions`).
* Speed: JSON Schema validators are built once per schema location, and parameter and
  header verdicts are memoised by their inputs (jsonschema-path's walk over the spec
  costs more than validating), so a typical check takes well under a millisecond.
* Four leniencies for how GitHub writes its description (see `schemas`).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast
from urllib.parse import unquote

from openapi_core import OpenAPI
from openapi_core.casting.schemas import oas30_types_caster
from openapi_core.casting.schemas.factories import SchemaCastersFactory
from openapi_core.datatypes import RequestParameters
from openapi_core.protocols import Request
from openapi_core.templating.paths.datatypes import PathOperationServer
from openapi_core.validation.request.exceptions import MissingRequestBody
from openapi_core.validation.request.validators import V30RequestBodyValidator, V30RequestParametersValidator
from openapi_core.validation.response.validators import V30ResponseDataValidator, V30ResponseHeadersValidator
from werkzeug.datastructures import Headers, ImmutableMultiDict

from .describe import describe, describe_all, format_schema_error, short_repr
from .media import JSON_MEDIA_TYPES, judge
from .routes import Route, build_routes
from .schemas import (
    CachingSchemaValidatorsFactory,
    RequestSchemaValidator,
    ResponseSchemaValidator,
    with_search_syntax_dates,
)
from .versions import contract_as_of

if TYPE_CHECKING:
    from .graphql_checker import GraphQLContractChecker

DEFAULT_SUBSET = Path(__file__).resolve().parents[1] / "data" / "github-openapi-subset.json"
SANDBOX_CONTROL_PREFIX = "/_sandbox/"
GRAPHQL_PATHS = frozenset({"/graphql", "/api/graphql"})
# What GitHub's description describes; later versions apply its `x-github-breaking-changes`.
BASE_VERSION = "2022-11-28"
NOT_IN_SUBSET = "operation not in the contract subset: add it to tests/contract/operations.txt and re-run the script"
# GitHub answers any endpoint with these shapes, documented or not. `basic-error` lists
# no required fields, so `message` (which GitHub always sends) is required on top: an
# arbitrary JSON object must not pass as a GitHub error.
ERROR_SCHEMAS = ("basic-error", "validation-error")
ERROR_REQUIRED_FIELDS = ("message",)
BODYLESS_STATUSES = frozenset({204, 304})


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


# --- openapi-core adapter -------------------------------------------------------------


class ExchangeRequest:
    """openapi-core's Request (and SupportsPathPattern) protocol over an Exchange."""

    def __init__(self, exchange: Exchange, route: Route, path_params: dict[str, str], host_url: str) -> None:
        self.route = route
        self.host_url = host_url
        self.path = exchange.path
        self.path_pattern = route.template
        # HEAD is validated as the GET it mirrors.
        self.method = route.method.lower()
        self.is_head = exchange.method.upper() == "HEAD"
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

    def labelled(self, content_type: str) -> ExchangeResponse:
        """The same response, validated as if it carried `content_type`."""
        twin = copy.copy(self)
        twin.content_type = content_type
        return twin


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

    def __init__(self, spec_contents: dict[str, Any], version: str = BASE_VERSION) -> None:
        spec_contents = with_search_syntax_dates(spec_contents)
        self._contents = spec_contents
        self.version = version
        # The same contract as of later API versions, built when a response first needs one.
        self._later: dict[str, ContractChecker] = {}
        self._openapi = OpenAPI.from_dict(spec_contents)  # also validates the document
        spec = self._openapi.spec
        # The subset names api.github.com; the sandbox listens on 127.0.0.1. Present every
        # request as if sent to the documented server so server matching is moot.
        self._host_url = str(spec_contents["servers"][0]["url"]).rstrip("/")
        write = _validator_options(CachingSchemaValidatorsFactory(RequestSchemaValidator, spec_contents))
        read = _validator_options(CachingSchemaValidatorsFactory(ResponseSchemaValidator, spec_contents))
        self._parameters_validator = RequestParametersValidator(spec, **write)
        self._body_validator = RequestBodyValidator(spec, **write)
        self._data_validator = ResponseDataValidator(spec, **read, extra_media_type_deserializers=JSON_MEDIA_TYPES)
        self._headers_validator = ResponseHeadersValidator(spec, **read)
        self._error_validators = [
            read["schema_validators_factory"].create(spec, spec / "components" / "schemas" / name)
            for name in ERROR_SCHEMAS
        ]
        self._routes = build_routes(spec, spec_contents, self._host_url)
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
        selected = _lower_keys(exchange.response_headers).get("x-github-api-version-selected")
        if selected and selected > self.version and self.version == BASE_VERSION:
            return self._as_of(selected).check(exchange)
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

    def _as_of(self, version: str) -> ContractChecker:
        checker = self._later.get(version)
        if checker is None:
            checker = self._later[version] = ContractChecker(contract_as_of(self._contents, version), version)
        return checker

    def check_all(self, exchanges: Iterable[Exchange]) -> list[str]:
        return [violation for exchange in exchanges for violation in self.check(exchange)]

    # routing

    def _route(self, exchange: Exchange) -> tuple[Route, dict[str, str]] | None:
        method = exchange.method.upper()
        if method == "HEAD":
            method = "GET"
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
            lambda: describe_all(self._parameters_validator.iter_errors(request), "request"),
        )
        if request.body is None and not request.route.body_required:
            return
        for error in self._body_validator.iter_errors(request):
            if not isinstance(error, MissingRequestBody):  # an optional body may be absent
                yield from describe(error, "request")

    # response

    def _response_problems(self, route: Route, request: ExchangeRequest, response: ExchangeResponse) -> Iterator[str]:
        status = response.status_code
        if status in BODYLESS_STATUSES and response.data:
            # openapi-core ignores a body the operation does not document; HTTP forbids it.
            yield f"response body: a {status} response must have an empty body"
        if request.is_head and response.data:
            yield "response body: a HEAD response must have an empty body"
        # A HEAD answer has no body to hold to the schema; its status and headers still count.
        with_body = not request.is_head
        key = route.response_key(status)
        if key is not None:
            if with_body:
                yield from self._body_problems(route, request, response)
            yield from self._response_header_problems(route, key, request, response)
            if status >= 400 and with_body:
                yield from _error_message_problems(response)
        elif status == 304 and route.method == "GET":
            pass  # GitHub may answer any conditional GET with 304, documented or not.
        elif status >= 400:
            if with_body:
                yield from self._undocumented_error_problems(response)
        else:
            documented = ", ".join(sorted(route.statuses))
            yield f"status {status} is not documented for this operation (documented: {documented})"

    def _body_problems(self, route: Route, request: ExchangeRequest, response: ExchangeResponse) -> Iterator[str]:
        verdict = judge(response.content_type, route.content_types, route.described_media)
        yield from verdict.problems
        if verdict.problems or verdict.skip_body:
            return
        checked = response.labelled(verdict.validate_as) if verdict.validate_as else response
        yield from describe_all(self._data_validator.iter_errors(request, checked), "response")

    def _response_header_problems(
        self, route: Route, key: str, request: ExchangeRequest, response: ExchangeResponse
    ) -> Iterator[str]:
        names = route.response_headers.get(key, ())
        if not names:
            return
        memo_key = (route.name, key, *(response.headers.get(name) for name in names))
        yield from self._header_verdicts.get(
            memo_key,
            lambda: describe_all(self._headers_validator.iter_errors(request, response), "response"),
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
            yield f"{where}: body is {short_repr(body)}, not a JSON object"
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
            closest = [format_schema_error(error, "response body") for error in errors]
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
