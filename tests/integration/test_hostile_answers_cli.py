"""Answers GitHub would never give, as a broken proxy or server might: the CLI ends with exit 1
and a message naming the endpoint and what was wrong — never a trace — and the other
repositories still apply."""

from __future__ import annotations

import pytest

from reconciler.sandbox import Sandbox
from tests.integration.conftest import KERNEL, run


@pytest.mark.parametrize(
    ("key", "what"),
    [("not base64 at all!", "not base64"), ("AAAA", "3 bytes, not a 32-byte Curve25519 key")],
)
def test_a_public_key_that_is_not_a_curve25519_key_fails_that_secret_not_the_run(
    live: Sandbox, capsys: pytest.CaptureFixture[str], key: str, what: str
) -> None:
    live.inject_fault(
        method="GET",
        path_pattern="/sovereign-kernel/actions/secrets/public-key$",
        status=200,
        body={"key_id": "568250167242549743", "key": key},
        times=1000,
    )
    code, out, err = run(capsys, "apply", "--auto-approve")
    assert code == 1, out + err
    assert "Traceback" not in out + err
    assert f"failed: {KERNEL} secret CODEX_API_KEY" in out
    assert "secrets/public-key" in out and what in out
    # Everything else in the run was applied.
    live.clear_faults()
    code, out, _ = run(capsys, "plan", "--detailed-exitcode")
    assert code == 2 and out.count("+ secret") == 1, out
