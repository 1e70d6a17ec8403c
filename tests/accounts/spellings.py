"""Spellings of addresses that look alike, written out by code point so that the tests say
which character they are."""

DOTLESS_I = "\u0131"  # PostgreSQL's UPPER() makes it "I"
CAPITAL_I_WITH_DOT = "\u0130"  # Python's lower() makes it "i" and a combining dot
IDEOGRAPHIC_SPACE = "\u3000"


def fullwidth(text: str) -> str:
    """`text` in fullwidth forms (U+FF01-U+FF5E), as East Asian keyboards type it."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
