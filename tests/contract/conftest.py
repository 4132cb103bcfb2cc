from __future__ import annotations

import pytest

from .checker import ContractChecker


@pytest.fixture(scope="session")
def contract_checker() -> ContractChecker:
    # Building parses and validates the OpenAPI subset (~0.15 s): once per session.
    return ContractChecker.from_file()
