"""Leniencies for how GitHub writes its description: the one impossible ``allOf`` (an
installation's account, in ``GET /app/installations``) is read as the ``anyOf`` the
``installation`` schema says, and no other; and ``created`` takes GitHub's date search
syntax, as its own description of the parameter says."""

from __future__ import annotations

from typing import Any

from .checker import ContractChecker
from .schemas import ResponseSchemaValidator
from .test_checker import exchange

USER = {"title": "Simple User", "type": "object", "required": ["login"]}
ENTERPRISE = {"title": "Enterprise", "type": "object", "required": ["slug"]}


def errors(schema: dict[str, Any], instance: Any) -> list[str]:
    return [error.message for error in ResponseSchemaValidator(schema).iter_errors(instance)]


def test_an_account_that_is_a_user_or_an_enterprise_passes_either_way() -> None:
    account = {"allOf": [USER, ENTERPRISE], "nullable": True}

    assert errors(account, {"login": "Sovereign-Operating-System"}) == []
    assert errors(account, {"slug": "sovereign"}) == []
    assert errors(account, {"id": 1}) != []  # neither: still refused


def test_every_other_all_of_still_needs_all_its_branches() -> None:
    both = {"allOf": [{"title": "Simple User", "type": "object", "required": ["login"]}, {"required": ["id"]}]}

    assert errors(both, {"login": "octocat"}) != []
    assert errors(both, {"login": "octocat", "id": 1}) == []


def test_search_syntax_dates_pass_where_the_description_points_at_the_syntax(
    contract_checker: ContractChecker,
) -> None:
    for created in (">=2026-12-04", "2026-12-01..2026-12-05", "*..2026-12-05", "<2026-12-04T10:00:00Z", "2026-12-04"):
        assert contract_checker.check(runs_exchange(created)) == [], created
    refused = contract_checker.check(runs_exchange("yesterday"))
    assert refused and "created" in refused[0]


def runs_exchange(created: str) -> Any:
    body = {"total_count": 0, "workflow_runs": []}
    return exchange("GET", "/repos/octo/hello/actions/runs", 200, body, query={"created": [created]})
