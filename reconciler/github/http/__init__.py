"""reconciler's HTTP client for GitHub: one transport, limit-aware, defensive, observable."""

from __future__ import annotations

from reconciler.github.http.base_url import GITHUB_API_URL, check_base_url, graphql_url, is_loopback
from reconciler.github.http.clock import Clock, SystemClock
from reconciler.github.http.limits import Limits, RetryPolicy, least_time

__all__ = [
    "GITHUB_API_URL",
    "Clock",
    "Limits",
    "RetryPolicy",
    "SystemClock",
    "check_base_url",
    "graphql_url",
    "is_loopback",
    "least_time",
]
