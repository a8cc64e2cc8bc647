"""Generate docs/cli.md from the commands' --help, so the docs never drift from the code.

python scripts/cli_docs.py          # rewrite docs/cli.md
python scripts/cli_docs.py --check  # exit 1 if docs/cli.md is stale (the test suite does this)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs" / "cli.md"

HEADER = """\
# Command reference

Generated from `mlsd --help` by `scripts/cli_docs.py`; `tests/test_docs.py` fails when this
file and the code disagree. Regenerate with `python scripts/cli_docs.py`.
"""


def _help(args: list[str]) -> str:
    from typer.testing import CliRunner

    from mlsd_cli.cli import app

    result = CliRunner().invoke(
        app, [*args, "--help"], env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    )
    if result.exit_code != 0:
        raise SystemExit(f"mlsd {' '.join(args)} --help failed:\n{result.output}")
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    return "\n".join(lines).strip("\n")


def render() -> str:
    from mlsd_cli.cli import COMMANDS

    parts = [HEADER, "## mlsd\n", "```", _help([]), "```\n"]
    for _module, name in COMMANDS:
        parts += [f"## mlsd {name}\n", "```", _help([name]), "```\n"]
        for sub in _subcommands(name):  # `mlsd section list`, ...
            parts += [f"### mlsd {name} {sub}\n", "```", _help([name, sub]), "```\n"]
    return "\n".join(parts)


def _subcommands(name: str) -> list[str]:
    """The sub-commands of the command ``name``, in the order its help lists them."""
    import typer

    from mlsd_cli.cli import app

    command = typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]
    return list(getattr(command, "commands", {}))


def main() -> int:
    for var in ("FORCE_COLOR", "CLICOLOR_FORCE"):
        os.environ.pop(var, None)
    text = render()
    if "--check" in sys.argv[1:]:
        if DOCS.read_text(encoding="utf-8") != text:
            print(f"{DOCS} is out of date: run python scripts/cli_docs.py", file=sys.stderr)
            return 1
        return 0
    DOCS.write_text(text, encoding="utf-8")
    print(f"wrote {DOCS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
