"""Command functions stay short: a command parses, makes one core call and renders.

The size of a command is the number of non-blank lines of its body, without the signature and
the docstring (the help text). The median over all commands is under 30 lines.
"""

from __future__ import annotations

import ast
import statistics
from pathlib import Path

CLI = Path(__file__).resolve().parents[1] / "src" / "mlsd_cli" / "cli"


def _is_command(node: ast.stmt) -> bool:
    """``def command`` (one command a module), or a sub-command (``@app.command(...)``)."""
    if not isinstance(node, ast.FunctionDef):
        return False
    decorators = [d.func if isinstance(d, ast.Call) else d for d in node.decorator_list]
    sub = any(isinstance(d, ast.Attribute) and d.attr == "command" for d in decorators)
    return node.name == "command" or sub


def command_sizes() -> dict[str, int]:
    sizes = {}
    for path in sorted(CLI.glob("*_cmd.py")):
        text = path.read_text(encoding="utf-8")
        commands = [node for node in ast.parse(text).body if _is_command(node)]
        assert commands, f"{path.name} defines no command"
        for command in commands:
            assert isinstance(command, ast.FunctionDef)
            body = command.body
            if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]  # the help text
            lines = text.splitlines()[body[0].lineno - 1 : command.end_lineno]
            name = path.stem if command.name == "command" else f"{path.stem}.{command.name}"
            sizes[name] = sum(1 for line in lines if line.strip())
    return sizes


def test_the_median_command_function_is_under_30_lines() -> None:
    sizes = command_sizes()
    assert len(sizes) >= 12, sizes
    assert statistics.median(sizes.values()) < 30, sizes
