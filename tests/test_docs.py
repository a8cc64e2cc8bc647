"""Docs that must not drift from the code."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _cli_docs_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("cli_docs", ROOT / "scripts" / "cli_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_matches_help() -> None:
    expected = _cli_docs_module().render()
    actual = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/cli.md is stale: run python scripts/cli_docs.py"


@pytest.mark.parametrize("name", ["catalogue.md", "cli.md", "benchmarks.md", "development.md"])
def test_docs_exist(name: str) -> None:
    assert (ROOT / "docs" / name).read_text(encoding="utf-8").strip()
