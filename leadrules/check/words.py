"""How the checker names things in its messages: a kind of declaration, with its article."""

from __future__ import annotations

# the word a message uses for each kind of symbol
KIND_WORDS = {
    "attribute": "lead attribute",
    "event": "event",
    "signal": "signal",
    "const": "const",
    "group": "group",
    "tier": "tier",
}


def with_article(word: str) -> str:
    """`an event`, `a time`: the word with its indefinite article."""
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def kind_with_article(kind: str) -> str:
    """`a lead attribute`, `an event`: a kind of symbol as a message words it."""
    return with_article(KIND_WORDS.get(kind, kind))
