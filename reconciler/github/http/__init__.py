"""reconciler's HTTP client for GitHub: one transport, limit-aware, defensive, observable.

A run makes one `Session(Settings(base_url, StaticToken(token), limits=Limits.github()))`,
gives planning an `HttpReader(session)` and applying an `HttpWriter(session)`, and prints
`session.usage().summary()` at the end. Both implement the port of `reconciler.github.port`
(re-exported here with `parse` and `UnexpectedResponseError`, which live outside this package
so that kinds can use them without importing an HTTP library).
"""

from __future__ import annotations

from reconciler.errors import UnexpectedResponseError
from reconciler.github.http.base_url import GITHUB_API_URL, check_base_url, graphql_url, is_loopback
from reconciler.github.http.body import Bounds
from reconciler.github.http.cache import (
    CachedResponse,
    DiskResponseCache,
    MemoryResponseCache,
    ResponseCache,
    default_cache_directory,
)
from reconciler.github.http.client import HttpReader, HttpWriter
from reconciler.github.http.clock import Clock, SystemClock
from reconciler.github.http.credentials import Anonymous, Credentials, StaticToken
from reconciler.github.http.limits import Limits, RetryPolicy, least_time
from reconciler.github.http.observe import Observer, RequestEvent, WaitEvent
from reconciler.github.http.session import API_VERSION, Session, Settings
from reconciler.github.http.transport import Timeouts
from reconciler.github.http.usage import Usage
from reconciler.github.parse import parse, parse_items
from reconciler.github.port import Call, GitHubReader, GitHubWriter, GraphQLReply, Query, Reply, WriteMethod

__all__ = [
    "API_VERSION",
    "GITHUB_API_URL",
    "Anonymous",
    "Bounds",
    "CachedResponse",
    "Call",
    "Clock",
    "Credentials",
    "DiskResponseCache",
    "GitHubReader",
    "GitHubWriter",
    "GraphQLReply",
    "HttpReader",
    "HttpWriter",
    "Limits",
    "MemoryResponseCache",
    "Observer",
    "Query",
    "Reply",
    "RequestEvent",
    "ResponseCache",
    "RetryPolicy",
    "Session",
    "Settings",
    "StaticToken",
    "SystemClock",
    "Timeouts",
    "UnexpectedResponseError",
    "Usage",
    "WaitEvent",
    "WriteMethod",
    "check_base_url",
    "default_cache_directory",
    "graphql_url",
    "is_loopback",
    "least_time",
    "parse",
    "parse_items",
]
