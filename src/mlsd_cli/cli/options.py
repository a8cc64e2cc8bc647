"""Parsing option values that are text on the command line into the typed values the core takes.

Errors name the option: these run only for the command line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta

from mlsd_cli.errors import InputError


def parse_status_codes(text: str) -> frozenset[int]:
    """``"200..299,403"`` -> the set of those codes. Raises InputError."""
    codes: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        match = re.fullmatch(r"(\d{3})\s*(?:(?:\.\.|-)\s*(\d{3}))?", part)
        if not match:
            raise InputError(
                f"--accept: '{part}' is not a status code or a range",
                hint="write codes and ranges like 200..299,403",
            )
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if not (100 <= low <= high <= 999):
            raise InputError(f"--accept: '{part}' is not a range of HTTP status codes")
        codes.update(range(low, high + 1))
    if not codes:
        raise InputError("--accept: no status codes given", hint="for example --accept 200..299")
    return frozenset(codes)


def compile_excludes(patterns: Iterable[str]) -> list[re.Pattern[str]]:
    """Compile ``--exclude`` regular expressions. Raises InputError on a bad one."""
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise InputError(
                f"--exclude: '{pattern}' is not a valid regular expression ({exc})",
                hint="escape special characters, e.g. 'example\\.com'",
            ) from None
    return compiled


_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(w|d|h|m|s)")
_UNIT_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_duration(text: str) -> timedelta:
    """``7d``, ``12h``, ``1w2d``, ``90m``, ``30s`` -> a timedelta. Raises InputError."""
    cleaned = text.strip().lower().replace(" ", "")
    if not cleaned or not re.fullmatch(rf"(?:{_DURATION.pattern})+", cleaned):
        raise InputError(
            f"--max-age: '{text}' is not a duration",
            hint="write a number and a unit: 30m, 12h, 7d or 2w",
        )
    seconds = sum(float(n) * _UNIT_SECONDS[unit] for n, unit in _DURATION.findall(cleaned))
    return timedelta(seconds=seconds)
