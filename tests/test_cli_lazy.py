"""Command modules load only when their command runs (issue 13, start-up): ``mlsd --version``
and ``mlsd --help`` import none, ``mlsd list --help`` imports ``list_cmd`` alone; the root help
and shell completion list every command from its summary, and say what the commands say."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from collections.abc import Callable

import pytest
from typer.testing import CliRunner
from typer.testing import Result

from mlsd_cli.cli import COMMAND_TABLE
from mlsd_cli.cli import COMMANDS
from mlsd_cli.cli import app
from mlsd_cli.cli import load_command

Run = Callable[..., Result]

#: Runs mlsd with the given arguments, then prints the command modules it imported.
PROBE = """
import sys
sys.argv = ["mlsd", *sys.argv[1:]]
from mlsd_cli.cli import main
try:
    main()
except SystemExit:
    pass
loaded = sorted(m.rsplit(".", 1)[1] for m in sys.modules if m.endswith("_cmd"))
sys.stderr.write("\\nLOADED=" + ",".join(loaded) + "\\n")
"""


def command_modules_loaded(*args: str, env: dict[str, str] | None = None) -> list[str]:
    process = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **(env or {})},
    )
    [marker] = [line for line in process.stderr.splitlines() if line.startswith("LOADED=")]
    loaded = marker.removeprefix("LOADED=")
    return loaded.split(",") if loaded else []


@pytest.mark.parametrize("args", [["--version"], ["--help"], [], ["help"]], ids=str)
def test_the_root_loads_no_command_module(args: list[str]) -> None:
    assert command_modules_loaded(*args) == []


@pytest.mark.parametrize(
    ("args", "module"),
    [
        (["list", "--help"], "list_cmd"),
        (["help", "check"], "check_cmd"),
        (["section", "--help"], "section_cmd"),
        (["tag", "--help"], "tag_cmd"),
    ],
    ids=str,
)
def test_a_command_loads_its_own_module_only(args: list[str], module: str) -> None:
    assert command_modules_loaded(*args) == [module]


def test_completing_a_command_name_loads_no_command_module() -> None:
    env = {"_MLSD_COMPLETE": "complete_bash", "COMP_WORDS": "mlsd li", "COMP_CWORD": "1"}
    assert command_modules_loaded(env=env) == []


def test_completion_of_names_and_of_a_commands_options() -> None:
    def complete(words: str) -> list[str]:
        env = {
            **os.environ,
            "_MLSD_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - 1),
        }
        code = "from mlsd_cli.cli import main; main()"
        process = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
        )
        return process.stdout.split()

    assert complete("mlsd se") == ["search", "section"]
    assert complete("mlsd list --so") == ["--sort"]


@pytest.mark.parametrize(("module", "name", "summary"), COMMAND_TABLE, ids=lambda v: str(v)[:20])
def test_each_summary_is_the_first_paragraph_of_the_commands_help(
    module: str, name: str, summary: str
) -> None:
    command = load_command(name)
    assert command.name == name
    assert f"mlsd_cli.cli.{module}" in sys.modules
    first = inspect.cleandoc(command.help or "").split("\n\n")[0].strip()
    assert summary == first


def test_the_root_help_is_the_same_with_every_command_loaded() -> None:
    runner = CliRunner()
    env = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    lazy = runner.invoke(app, ["--help"], env=env)
    assert lazy.exit_code == 0
    for _module, name in COMMANDS:
        assert f" {name} " in lazy.stdout
    # Typer builds the root afresh on each run; this run's root loads every command first.
    from mlsd_cli.cli import _Root

    original = _Root.format_help

    def eager(self: _Root, ctx: object, formatter: object) -> None:
        for _module, name in COMMANDS:
            assert self.commands[name] is not None  # loads it
        original(self, ctx, formatter)

    try:
        _Root.format_help = eager  # type: ignore[method-assign]
        loaded = runner.invoke(app, ["--help"], env=env)
    finally:
        _Root.format_help = original  # type: ignore[method-assign]
    assert loaded.exit_code == 0
    assert loaded.stdout == lazy.stdout


def test_an_unknown_command_still_suggests_the_near_one(cli: Run) -> None:
    result = cli("lsit")
    assert result.exit_code == 2
    assert "Did you mean 'list'?" in result.stderr
