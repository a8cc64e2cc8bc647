"""The normal form of a tag: lower-case kebab-case (the schema's rule for every tag)."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize_tag(text: str) -> str:
    """'Feature Store' / 'feature_store' / ' FEATURE-store ' -> 'feature-store'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "-".join(w for w in _NON_WORD.split(ascii_text.lower()) if w)
