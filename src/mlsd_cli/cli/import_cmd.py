"""Placeholder: the owner of this command replaces this module."""

from __future__ import annotations

from mlsd_cli.cli.common import err


def command() -> None:
    """Not built yet."""
    err("not implemented yet")
