"""Small modules: no module of the package is over 600 lines (docs/development.md).

Command bodies are kept short by tests/test_command_size.py.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "mlsd_cli"
MAX_MODULE_LINES = 600


def test_no_module_is_over_600_lines() -> None:
    modules = list(PACKAGE.rglob("*.py"))
    assert len(modules) > 40, modules
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in modules
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, long
