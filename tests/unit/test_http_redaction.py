"""Redaction: a registered secret never survives into text built from what a server said."""

from __future__ import annotations

from urllib.parse import quote

from reconciler.redaction import Redactor


def test_a_registered_secret_is_replaced_wherever_it_appears() -> None:
    redactor = Redactor()
    redactor.register("ghp_abcdef0123456789")
    text = redactor.redact("Bad credentials for token ghp_abcdef0123456789 (ghp_abcdef0123456789)")
    assert "ghp_abcdef0123456789" not in text
    assert text == "Bad credentials for token *** (***)"


def test_percent_encoded_and_escaped_forms_are_replaced_too() -> None:
    redactor = Redactor()
    secret = "p@ss/word+with spaces"
    redactor.register(secret)
    assert secret not in redactor.redact(f"url: https://h/?q={quote(secret, safe='')}")
    assert quote(secret, safe="") not in redactor.redact(f"url: https://h/?q={quote(secret, safe='')}")


def test_a_private_key_quoted_one_line_at_a_time_is_still_redacted() -> None:
    body = "MIIEowIBAAKCAQEAvQx1Yk2Yb3ZsZWQtaW4tYS1sb25nLXN0cmluZw"
    key = f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----\n"
    redactor = Redactor()
    redactor.register(key)
    assert body not in redactor.redact(f"could not parse line: {body}")
    # The armour lines are not secret and stay readable.
    assert "BEGIN RSA PRIVATE KEY" in redactor.redact("-----BEGIN RSA PRIVATE KEY-----")


def test_the_longest_secret_wins_when_one_contains_another() -> None:
    redactor = Redactor()
    redactor.register("abcd")
    redactor.register("abcdefgh")
    assert redactor.redact("x abcdefgh y") == "x *** y"


def test_very_short_values_are_not_registered_so_messages_stay_readable() -> None:
    redactor = Redactor()
    redactor.register("t")
    redactor.register("yes")
    assert redactor.redact("rate limit exceeded, yes") == "rate limit exceeded, yes"


def test_text_without_secrets_is_returned_unchanged() -> None:
    redactor = Redactor()
    assert redactor.redact("nothing to hide") == "nothing to hide"
    redactor.register("s3cret-value")
    assert redactor.redact("nothing to hide") == "nothing to hide"
