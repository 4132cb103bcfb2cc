"""``reconciler sandbox serve`` as a user runs it: GitHub's secondary limits on unless switched off."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

LABELS = "/repos/Sovereign-Operating-System/sovereign-kernel/labels"
HEADERS = {"Authorization": "token t"}


@contextmanager
def served(tmp_path: Path, *flags: str) -> Iterator[str]:
    """`reconciler sandbox serve` in a child process; yields its URL."""
    command = [sys.executable, "-m", "reconciler", "sandbox", "serve", "--state", str(tmp_path / "s.json"), *flags]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert child.stdout is not None
        first = child.stdout.readline()
        match = re.search(r"listening on (http://\S+)", first)
        assert match, f"no URL in {first!r}"
        yield match.group(1)
    finally:
        child.terminate()
        child.wait(timeout=10)


def test_serve_enforces_githubs_secondary_limits_by_default(tmp_path: Path) -> None:
    with served(tmp_path) as url:
        usage = requests.get(f"{url}/_sandbox/secondary-limits").json()

    assert usage["limits"] == {
        "rest_points_per_minute": 900,
        "graphql_points_per_minute": 2000,
        "content_per_minute": 80,
        "content_per_hour": 500,
        "concurrent_requests": 100,
    }


def test_serve_refuses_200_writes_in_a_minute_by_default(tmp_path: Path) -> None:
    with served(tmp_path) as url, requests.Session() as http:
        http.headers.update(HEADERS)
        answers = []
        for n in range(200):
            answer = http.post(f"{url}{LABELS}", json={"name": f"burst-{n}", "color": "ffffff"})
            answers.append(answer)
            if answer.status_code != 201:
                break

    refused = answers[-1]
    # GitHub's 80 content-creating requests a minute: the 81st is refused.
    assert [r.status_code for r in answers] == [201] * 80 + [403]
    assert "secondary rate limit" in refused.json()["message"]
    assert 0 < int(refused.headers["Retry-After"]) <= 60


def test_serve_scales_the_limits(tmp_path: Path) -> None:
    with served(tmp_path, "--secondary-limit-scale", "0.1") as url:
        answers = [
            requests.post(f"{url}{LABELS}", headers=HEADERS, json={"name": f"b{n}", "color": "ffffff"})
            for n in range(9)
        ]
        stats = requests.get(f"{url}/_sandbox/stats").json()

    assert [r.status_code for r in answers] == [201] * 8 + [403]
    assert int(answers[-1].headers["Retry-After"]) > 0
    assert stats["secondary_limited"] == 1


def test_serve_takes_explicit_limits_and_can_switch_them_off(tmp_path: Path) -> None:
    with served(tmp_path, "--secondary-limit", "content_per_minute=1") as url:
        limited = [
            requests.post(f"{url}{LABELS}", headers=HEADERS, json={"name": f"x{n}", "color": "ffffff"})
            for n in range(2)
        ]
    with served(tmp_path, "--no-secondary-limits") as url:
        usage = requests.get(f"{url}/_sandbox/secondary-limits").json()
        free = [
            requests.post(f"{url}{LABELS}", headers=HEADERS, json={"name": f"y{n}", "color": "ffffff"})
            for n in range(3)
        ]

    assert [r.status_code for r in limited] == [201, 403]
    assert usage == {"enforced": False}
    assert [r.status_code for r in free] == [201, 201, 201]


def test_limit_settings_are_checked() -> None:
    from reconciler.sandbox.cli import parse_limit_settings, secondary_limits_from
    from reconciler.sandbox.secondary_limits import SecondaryLimits

    assert parse_limit_settings(["content_per_minute=5"]) == {"content_per_minute": 5}
    assert secondary_limits_from(False) is None
    assert secondary_limits_from(True, 0.5, {"concurrent_requests": 3}) == SecondaryLimits(
        rest_points_per_minute=450,
        graphql_points_per_minute=1000,
        content_per_minute=40,
        content_per_hour=250,
        concurrent_requests=3,
    )
    with pytest.raises(ValueError, match="NAME=NUMBER"):
        parse_limit_settings(["content_per_minute"])
    with pytest.raises(ValueError, match="unknown secondary limit"):
        secondary_limits_from(True, 1.0, {"points": 1})
