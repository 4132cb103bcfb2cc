"""reconciler's HTTP client for GitHub: one transport, limit-aware, defensive, observable."""

from __future__ import annotations

from reconciler.github.http.base_url import GITHUB_API_URL, check_base_url, graphql_url, is_loopback

__all__ = ["GITHUB_API_URL", "check_base_url", "graphql_url", "is_loopback"]
