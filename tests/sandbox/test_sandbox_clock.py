"""One clock for the sandbox's notion of now, moved forward by hand and shared by every process
on the state file; and personal tokens that expire by it."""

from __future__ import annotations

import email.utils
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from reconciler.sandbox import Sandbox, SecondaryLimits, sandbox_group
from reconciler.sandbox.location import COMMAND_TOKEN
from reconciler.sandbox.state import TokenGrant

KERNEL = "/repos/Sovereign-Operating-System/sovereign-kernel"
DAY = 86400


def get(sandbox: Sandbox, path: str, token: str = "test-token") -> requests.Response:
    return requests.get(f"{sandbox.url}{path}", headers={"Authorization": f"token {token}"})


def test_the_clock_moves_forward_for_every_process_on_the_state_file(sandbox: Sandbox, state_file: Path) -> None:
    other = Sandbox(state_file)
    try:
        before = other.now()
        sandbox.advance_clock(3700)

        now, offset = other.read_clock()
    finally:
        other.close()
    assert offset == pytest.approx(3700)
    assert now - before == pytest.approx(3700, abs=5)


def test_moving_the_clock_back_is_refused(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError, match="only moves forward"):
        sandbox.advance_clock(-1)
    with pytest.raises(ValueError, match="only moves forward"):
        sandbox.set_clock(time.time() - DAY)


def test_timestamps_rate_limit_windows_and_the_date_header_follow_the_clock(sandbox: Sandbox) -> None:
    spent = get(sandbox, KERNEL)
    old_reset = int(spent.headers["X-RateLimit-Reset"])
    used = int(spent.headers["X-RateLimit-Used"])
    assert used >= 1

    sandbox.advance_clock(2 * DAY)
    fresh = get(sandbox, KERNEL)
    requests.post(
        f"{sandbox.url}{KERNEL}/labels",
        headers={"Authorization": "token test-token"},
        json={"name": "from-the-future", "color": "ffffff"},
    ).raise_for_status()
    label = get(sandbox, f"{KERNEL}/labels/from-the-future")

    # The hour was over long ago: a new window, starting from the sandbox's now.
    assert fresh.headers["X-RateLimit-Used"] == "1"
    assert int(fresh.headers["X-RateLimit-Reset"]) >= old_reset + 2 * DAY - 5
    sent = email.utils.parsedate_to_datetime(fresh.headers["Date"]).timestamp()
    assert sent == pytest.approx(time.time() + 2 * DAY, abs=5)
    # Objects made now carry the sandbox's time (not the wall clock's) in their validators.
    made = email.utils.parsedate_to_datetime(label.headers["Last-Modified"]).timestamp()
    assert made == pytest.approx(time.time() + 2 * DAY, abs=5)


def test_the_admin_endpoint_reads_and_moves_the_clock(sandbox: Sandbox) -> None:
    target = int(time.time()) + 10 * DAY

    advanced = requests.post(f"{sandbox.url}/_sandbox/clock", json={"advance_seconds": 60}).json()
    moved = requests.post(f"{sandbox.url}/_sandbox/clock", json={"set": target}).json()
    refused = requests.post(f"{sandbox.url}/_sandbox/clock", json={"set": target - DAY})
    both = requests.post(f"{sandbox.url}/_sandbox/clock", json={"set": target, "advance_seconds": 1})
    read = requests.get(f"{sandbox.url}/_sandbox/clock").json()

    assert advanced["advanced_seconds"] == pytest.approx(60, abs=1)
    assert moved["now"] == pytest.approx(target, abs=2)
    assert refused.status_code == 400 and "only moves forward" in refused.json()["message"]
    assert both.status_code == 400
    assert read["iso"].endswith("Z") and read["advanced_seconds"] == pytest.approx(10 * DAY, abs=5)


def test_the_clock_command_shows_and_moves_the_clock(state_file: Path) -> None:
    runner = CliRunner()

    advanced = runner.invoke(sandbox_group, ["clock", "--advance", "3700", "--state", str(state_file)])
    by_units = runner.invoke(sandbox_group, ["clock", "--advance", "1h", "--state", str(state_file)])
    shown = runner.invoke(sandbox_group, ["clock", "--state", str(state_file)])
    backwards = runner.invoke(sandbox_group, ["clock", "--set", "2001-01-01", "--state", str(state_file)])

    assert advanced.exit_code == 0 and "3700 s ahead" in advanced.output
    assert by_units.exit_code == 0 and "7300 s ahead" in by_units.output
    assert "7300 s ahead" in shown.output
    assert backwards.exit_code == 1 and "only moves forward" in backwards.output


def test_a_personal_token_that_expires_says_so_then_stops_working(sandbox: Sandbox) -> None:
    expires = int(sandbox.now()) + 3 * DAY
    sandbox.set_token_grant("expiring", TokenGrant(expires_at=expires))

    before = get(sandbox, KERNEL, "expiring")
    sandbox.advance_clock(3 * DAY + 1)
    after = get(sandbox, KERNEL, "expiring")

    assert before.status_code == 200
    stamp = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(expires))
    assert before.headers["github-authentication-token-expiration"] == stamp
    assert (after.status_code, after.json()["message"]) == (401, "Bad credentials")
    # A token without an expiry says nothing about one.
    assert "github-authentication-token-expiration" not in get(sandbox, KERNEL).headers


def test_grant_gives_a_token_an_expiry_in_or_at(sandbox: Sandbox) -> None:
    assert sandbox.state_file is not None
    runner = CliRunner()

    within = runner.invoke(
        sandbox_group, ["grant", "--token", "ci", "--expires-in", "3d", "--state", str(sandbox.state_file)]
    )
    at = runner.invoke(
        sandbox_group,
        ["grant", "--expires-at", "2099-12-31", "--state", str(sandbox.state_file)],
    )

    assert within.exit_code == 0 and "expires" in within.output
    assert at.exit_code == 0 and "expires 2099-12-31T00:00:00Z" in at.output
    assert get(sandbox, KERNEL, COMMAND_TOKEN).headers["github-authentication-token-expiration"] == (
        "2099-12-31 00:00:00 UTC"
    )
    in_three_days = get(sandbox, KERNEL, "ci").headers["github-authentication-token-expiration"]
    grant = sandbox.state.tokens.get("ci")
    assert grant is not None and grant.expires_at is not None
    assert sandbox.now() + 3 * DAY - 5 <= grant.expires_at <= sandbox.now() + 3 * DAY
    assert in_three_days == time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(grant.expires_at))
    sandbox.advance_clock(3 * DAY + 5)
    assert get(sandbox, KERNEL, "ci").status_code == 401
    assert get(sandbox, KERNEL, COMMAND_TOKEN).status_code == 200


def test_moving_the_clock_also_ends_secondary_limit_windows(state_file: Path) -> None:
    limits = SecondaryLimits(content_per_minute=1)
    with Sandbox(state_file, secondary_limits=limits) as sandbox:

        def create(name: str) -> requests.Response:
            return requests.post(
                f"{sandbox.url}{KERNEL}/labels",
                headers={"Authorization": "token test-token"},
                json={"name": name, "color": "ffffff"},
            )

        assert create("first").status_code == 201
        assert create("second").status_code == 403
        sandbox.advance_clock(61)
        assert create("third").status_code == 201
