"""The ``mlsd`` command line: one module per command, registered on one Typer app.

Command modules import only Typer and :mod:`mlsd_cli.cli.common` at module level; the library
(and rich, rapidfuzz, httpx) is imported inside each command, so ``mlsd --help`` stays fast.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

from mlsd_cli.cli import common

#: The root's options that take a value (the next word, or ``--catalogue=PATH`` / ``-cPATH``).
_VALUED = ("-c", "--catalogue")
_COLOR = ("--color", "--no-color")


class _Root(TyperGroup):
    """The ``mlsd`` group: ``--color``/``--no-color`` after the command mean what they mean
    before it. They are moved in front of the command word, after the root's own options, so the
    root parses them and the last one given wins (``mlsd --color list --no-color``: no colour).
    Every word after ``--`` is left alone."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # click.Context
        with _one_line_usage_errors(ctx):
            return super().parse_args(ctx, lift_color(args))

    def invoke(self, ctx: Any) -> Any:  # the command's own options are parsed here
        with _one_line_usage_errors(ctx):
            return super().invoke(ctx)


@contextlib.contextmanager
def _one_line_usage_errors(ctx: Any) -> Iterator[None]:
    """A usage error (``--limit x``, ``--year abc``, ``-c DIR``, an unknown option) as one line
    with the hint, exit 2, like every other error, instead of Click's framed box."""
    from typer._click.exceptions import ClickException
    from typer._click.exceptions import UsageError

    try:
        yield
    except ClickException as exc:
        where = exc.ctx if isinstance(exc, UsageError) and exc.ctx is not None else ctx
        message = exc.format_message().rstrip(".")
        common.err(f"error: {message[:1].lower()}{message[1:]}; see: {where.command_path} --help")
        raise typer.Exit(2) from None


def lift_color(args: list[str]) -> list[str]:
    """``args`` with the command's ``--color``/``--no-color`` moved before the command word."""
    at = _command_index(args)
    if at is None:
        return args
    rest = args[at + 1 :]
    end = rest.index("--") if "--" in rest else len(rest)
    lifted = [a for a in rest[:end] if a in _COLOR]
    if not lifted:
        return args
    kept = [a for a in rest[:end] if a not in _COLOR] + rest[end:]
    return [*args[:at], *lifted, args[at], *kept]


def _command_index(args: list[str]) -> int | None:
    """Where the command word is in ``args`` (the first word that is no root option)."""
    i = 0
    while i < len(args):
        word = args[i]
        if word in _VALUED:
            i += 2
        elif word.startswith("-") and word != "-":
            i += 1
        else:
            return i
    return None


app = typer.Typer(
    name="mlsd",
    help="Curate a catalogue of machine learning system design resources.\n\n"
    "The catalogue is one TOML file (resources.toml); every command reads it, and the "
    "commands that change it write it atomically under a lock.",
    epilog='Examples:  mlsd search "feature store"   ·   mlsd list --org Netflix   ·   '
    "mlsd add URL   ·   mlsd export --format markdown -o README.md   ·   mlsd check",
    cls=_Root,
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode="rich",
)

#: (module under mlsd_cli.cli, command name), in the order ``--help`` lists them.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("search_cmd", "search"),
    ("list_cmd", "list"),
    ("show_cmd", "show"),
    ("open_cmd", "open"),
    ("add_cmd", "add"),
    ("edit_cmd", "edit"),
    ("remove_cmd", "remove"),
    ("tag_cmd", "tag"),
    ("section_cmd", "section"),
    ("dedupe_cmd", "dedupe"),
    ("import_cmd", "import"),
    ("export_cmd", "export"),
    ("check_cmd", "check"),
    ("init_cmd", "init"),
    ("merge_driver_cmd", "merge-driver"),
)

for _module, _name in COMMANDS:
    _loaded = importlib.import_module(f"mlsd_cli.cli.{_module}")
    # A command module may set CONTEXT_SETTINGS (e.g. `tag`, whose `-kafka` is not an option).
    if hasattr(_loaded, "app"):  # a command with sub-commands (`mlsd section list`)
        app.add_typer(_loaded.app, name=_name)
        continue
    # ...or COMMAND_CLASS (e.g. `search`, whose `-word` excludes a word).
    app.command(
        _name,
        cls=getattr(_loaded, "COMMAND_CLASS", None),
        context_settings=getattr(_loaded, "CONTEXT_SETTINGS", None),
    )(_loaded.command)


def _version(value: bool) -> None:
    if value:
        from mlsd_cli import __version__

        typer.echo(f"mlsd {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    catalogue: Path | None = typer.Option(
        None,
        "--catalogue",
        "-c",
        help="Catalogue file for the command (as every command's own --catalogue; the one "
        "after the command wins).",
        show_default=False,
        dir_okay=False,
    ),
    color: bool | None = typer.Option(
        None,
        "--color/--no-color",
        help="Colour on or off (default: on a terminal, unless NO_COLOR is set). Also "
        "accepted after the command.",
        show_default=False,
    ),
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        callback=_version,
        is_eager=True,
        help="Show the version and exit.",
    ),
) -> None:
    """Curate a catalogue of machine learning system design resources."""
    common.GLOBALS.catalogue = catalogue
    common.GLOBALS.color = color
    if ctx.invoked_subcommand is None:  # plain `mlsd`: the help, and success
        typer.echo(ctx.get_help())
        raise typer.Exit()


@app.command("help")
def _help_command(
    ctx: typer.Context,
    words: list[str] | None = typer.Argument(None, metavar="[COMMAND]", show_default=False),
) -> None:
    """Show the help of mlsd, or of one command (the same as mlsd COMMAND --help).

    [bold]Examples[/bold]

      mlsd help

      mlsd help list
    """
    root = ctx.find_root()
    if not words:
        typer.echo(root.get_help())
        return
    name, *_rest = words
    command = root.command.get_command(root, name) if isinstance(root.command, _Root) else None
    if command is None:
        common.err(f"error: no such command: {name}; see the commands with: mlsd --help")
        raise typer.Exit(2)
    with typer.Context(command, info_name=name, parent=root) as sub:
        typer.echo(command.get_help(sub))


def main() -> None:
    """Console-script entry point (:func:`mlsd_cli.__main__.run` guards the imports)."""
    try:
        app(prog_name="mlsd")
    except KeyboardInterrupt:  # outside a command (while parsing): nothing was written
        sys.stderr.write("mlsd: interrupted; nothing was written\n")
        raise SystemExit(130) from None
