"""Command functions stay short: a command parses, makes one core call and renders.

The size of a command is the number of non-blank lines of its body, without the signature and
the docstring (the help text). The median over all commands is under 30 lines.
"""

from __future__ import annotations

import ast
import statistics
from pathlib import Path

CLI = Path(__file__).resolve().parents[1] / "src" / "mlsd_cli" / "cli"


def command_sizes() -> dict[str, int]:
    sizes = {}
    for path in sorted(CLI.glob("*_cmd.py")):
        text = path.read_text(encoding="utf-8")
        [command] = [
            node
            for node in ast.parse(text).body
            if isinstance(node, ast.FunctionDef) and node.name == "command"
        ]
        body = command.body
        if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # the help text
        lines = text.splitlines()[body[0].lineno - 1 : command.end_lineno]
        sizes[path.stem] = sum(1 for line in lines if line.strip())
    return sizes


def test_the_median_command_function_is_under_30_lines() -> None:
    sizes = command_sizes()
    assert len(sizes) >= 12, sizes
    assert statistics.median(sizes.values()) < 30, sizes
