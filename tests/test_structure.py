"""The shape the architecture promises (docs/development.md): small modules, short commands.

- No module of the package is over 600 lines.
- A command function (``command`` in ``cli/<name>_cmd.py``) parses its options, makes one core
  call and renders: the median body (signature and docstring excluded, the docstring being the
  ``--help`` text) is under 30 lines.
"""

from __future__ import annotations

import ast
import statistics
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "mlsd_cli"
MAX_MODULE_LINES = 600
MAX_MEDIAN_COMMAND_LINES = 30


def command_body_lines(path: Path) -> dict[str, int]:
    """Lines of each top-level command function's body in ``path``, docstring excluded."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    sizes = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "command":
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]
            assert body, f"{path.name}: command has no body"
            last = node.end_lineno or body[-1].lineno
            sizes[path.stem] = last - body[0].lineno + 1
    return sizes


def test_no_module_is_over_600_lines() -> None:
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, long


def test_command_functions_are_short() -> None:
    sizes: dict[str, int] = {}
    for path in sorted((PACKAGE / "cli").glob("*_cmd.py")):
        sizes.update(command_body_lines(path))
    assert len(sizes) >= 10, sizes
    assert statistics.median(sizes.values()) < MAX_MEDIAN_COMMAND_LINES, sizes
