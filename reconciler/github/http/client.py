"""The GitHub port over HTTP: `HttpReader` for planning, `HttpWriter` for applying.

Both are thin: each method builds one `Request` (or, for a listing, one per page), hands it
to the session, and turns the answer's bytes into what the port promises, checking on the way
that it is what GitHub sends (JSON where JSON is due, a list where a list is due).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from reconciler.errors import UnexpectedResponseError
from reconciler.github.http.graphql import is_query_only, reply_from
from reconciler.github.http.pagination import PageTrail, next_link, numbered_pages
from reconciler.github.http.scheduler import Kind
from reconciler.github.http.session import FREE_PATHS, JSON_MEDIA_TYPE, RAW_MEDIA_TYPE, Answer, Request, Session
from reconciler.github.port import Call, Clock, GraphQLReply, Query, Reply, WriteMethod

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
MAX_PER_PAGE = 100
MIN_POLL_INTERVAL = 0.01


class HttpReader:
    """Reads only: it has no `send`, and its `graphql` refuses mutations."""

    _mutations_allowed = False

    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def api_url(self) -> str:
        return self._session.base_url

    @property
    def concurrency(self) -> int:
        return self._session.limits.concurrency

    @property
    def clock(self) -> Clock:
        return self._session.settings.clock

    @property
    def poll_interval(self) -> float:
        # As the retry policy backs off: about a second on GitHub, at once on the sandbox.
        return max(self._session.settings.retry.backoff_base, MIN_POLL_INTERVAL)

    @property
    def session(self) -> Session:
        return self._session

    def get(self, path: str, call: Call, *, query: Query | None = None) -> Reply:
        answer = self._get(self._session.url(path, query), call, budgeted=path not in FREE_PATHS)
        return Reply(answer.status, answer.headers, decode_json(answer, call))

    def get_raw(self, path: str, call: Call, *, query: Query | None = None) -> bytes:
        answer = self._get(self._session.url(path, query), call, accept=RAW_MEDIA_TYPE)
        if _is_json(answer.headers.get("content-type", "")):
            raise UnexpectedResponseError(
                answer.endpoint,
                "a JSON document instead of the file's bytes (a directory, or a server that ignores "
                "Accept: application/vnd.github.raw)",
                call,
                status=answer.status,
            )
        return answer.body

    def get_all(
        self,
        path: str,
        call: Call,
        *,
        query: Query | None = None,
        list_key: str | None = None,
        per_page: int = MAX_PER_PAGE,
    ) -> list[Any]:
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}, got {per_page}")
        url = self._session.url(path, {**(query or {}), "per_page": per_page})
        max_pages = self._session.settings.bounds.max_pages
        trail = PageTrail(self._session.base_url, url, max_pages)
        answer = self._get(url, call)
        items = list(_page_items(decode_json(answer, call), list_key, answer, call))
        try:
            numbered = numbered_pages(url, answer.headers.get("link"), max_pages)
            for page_url in numbered or ():
                trail.admit(page_url)
        except ValueError as exc:
            raise UnexpectedResponseError(answer.endpoint, str(exc), call) from None
        if numbered:
            # Every page is known: read them side by side (the scheduler keeps to the limits).
            # A pool per listing is enough: only a listing past its first page makes one.
            workers = max(1, min(self.concurrency, len(numbered)))
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pages") as pool:
                answers = list(pool.map(lambda page_url: self._get(page_url, call), numbered))
            for page in answers:
                items.extend(_page_items(decode_json(page, call), list_key, page, call))
            # Should the listing have grown while it was read, its last page links on: followed below.
            url, answer = numbered[-1], answers[-1]
        while (link := next_link(answer.headers.get("link"))) is not None:
            try:
                url = trail.follow(url, link)
            except ValueError as exc:
                raise UnexpectedResponseError(answer.endpoint, str(exc), call) from None
            answer = self._get(url, call)
            items.extend(_page_items(decode_json(answer, call), list_key, answer, call))
        return items

    def graphql(self, document: str, variables: Mapping[str, Any], call: Call) -> GraphQLReply:
        mutation = not is_query_only(document)
        if mutation and not self._mutations_allowed:
            raise ValueError(
                f"{call.operation}: a GraphQL mutation cannot go through a reader (planning must not write)"
            )
        payload = json.dumps({"query": document, "variables": dict(variables)}, separators=(",", ":")).encode()
        request = Request(
            "POST",
            self._session.graphql_url,
            Kind.MUTATION if mutation else Kind.QUERY,
            body=payload,
            # A mutation may have landed before a 5xx: never repeat it.
            idempotent=not mutation,
        )
        answer = self._session.exchange(request, call)
        reply = reply_from(decode_json(answer, call), call, answer.endpoint)
        if reply.cost is not None:
            self._session.note_graphql_cost(reply.cost)
        return reply

    def _get(self, url: str, call: Call, *, accept: str | None = None, budgeted: bool = True) -> Answer:
        request = Request("GET", url, Kind.READ, accept=accept or JSON_MEDIA_TYPE, cacheable=True, budgeted=budgeted)
        return self._session.exchange(request, call)


class HttpWriter(HttpReader):
    """Reads and writes. Only the applier is given one."""

    _mutations_allowed = True

    def send(
        self,
        method: WriteMethod,
        path: str,
        call: Call,
        *,
        body: Mapping[str, Any] | None = None,
        idempotent: bool = True,
        creates: bool = False,
    ) -> Reply:
        if method not in WRITE_METHODS:
            raise ValueError(f"send() writes; {method!r} is not a write method")
        payload = None if body is None else json.dumps(body, separators=(",", ":")).encode()
        request = Request(
            method, self._session.url(path), Kind.WRITE, body=payload, idempotent=idempotent, creates=creates
        )
        answer = self._session.exchange(request, call)
        return Reply(answer.status, answer.headers, decode_json(answer, call))


def decode_json(answer: Answer, call: Call) -> Any:
    """The answer's JSON body (None when empty); an UnexpectedResponseError for anything else."""
    if not answer.body:
        return None
    content_type = answer.headers.get("content-type", "")
    if not _is_json(content_type):
        shown = content_type.split(";")[0].strip()[:60] or "no content type"
        raise UnexpectedResponseError(answer.endpoint, f"{shown} instead of JSON", call, status=answer.status)
    try:
        return json.loads(answer.body)
    except RecursionError:
        raise UnexpectedResponseError(answer.endpoint, "JSON nested too deeply", call, status=answer.status) from None
    except ValueError as exc:
        what = f"malformed JSON ({str(exc)[:120]})"
        raise UnexpectedResponseError(answer.endpoint, what, call, status=answer.status) from None


def _is_json(content_type: str) -> bool:
    media = content_type.split(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _page_items(body: Any, list_key: str | None, answer: Answer, call: Call) -> list[Any]:
    if list_key is None:
        if isinstance(body, list):
            return body
        raise UnexpectedResponseError(answer.endpoint, f"{_kind(body)} where a list was due", call)
    page = body.get(list_key) if isinstance(body, dict) else None
    if isinstance(page, list):
        return page
    raise UnexpectedResponseError(answer.endpoint, f"{_kind(body)} without a `{list_key}` list", call)


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", type(None): "an empty body"}
    return names.get(type(value), f"a {type(value).__name__}")
