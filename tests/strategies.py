"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

from hypothesis import strategies as st


def cased(word: str) -> st.SearchStrategy[str]:
    """`word` with each letter upper- or lower-cased at random: GitHub folds label names'
    case, so every casing names the same label."""
    return st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda flips: "".join(c.upper() if f else c for c, f in zip(word, flips, strict=True))
    )
