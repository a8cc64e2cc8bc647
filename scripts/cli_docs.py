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

## Conventions

- **Global options** go before or after the command and mean the same: `mlsd -c my.toml list`
  is `mlsd list -c my.toml`; if both are given, the one after the command wins.
  `--color`/`--no-color` too.
- **Output**: a table on a terminal (stacked entries when it is too narrow for one), plain
  tab-separated lines when piped, `--json` for scripts. Notes ("5 of 93 shown") go to stderr.
- **Exit status**: 0 success, 1 findings (dead links, duplicates, a known URL, a stale README)
  or no answer at a question (end of input), 2 a mistake (one line naming the option or
  `file:line`, nothing written), 130 interrupted (Ctrl-C).
- **Questions** are asked only on a terminal (or with `MLSD_INTERACTIVE=1`), on stderr.
  **Declining** is an answer, not an error: the command prints one plain line saying what it
  did not do, `not added; nothing was written` (`not removed`, `not tagged`, `not merged`,
  `not rewritten`, ...), and exits 0 (1 only if it had findings to report anyway); with
  `--json`, `{"declined": "...", "exit_code": 0}` on stdout.
- **Completion** for bash, zsh and fish: `mlsd --install-completion` (or
  `mlsd --show-completion` to see the script). Tab completes commands and options, and their
  values: entry ids (zsh and fish show each title beside it), section ids and titles, tags
  (`mlsd tag ID +<Tab>`), kinds and export formats. Values come from the catalogue a `-c`
  earlier on the line names (else the default one), through the load cache, never the network;
  a catalogue that cannot be read completes nothing (`cli/completion.py`).
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
