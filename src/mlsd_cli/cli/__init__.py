"""The ``mlsd`` command line: one module per command, registered on one Typer app.

Command modules import only Typer and :mod:`mlsd_cli.cli.common` at module level; the library
(and rich, rapidfuzz, httpx) is imported inside each command, so ``mlsd --help`` stays fast.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="mlsd",
    help="Curate a catalogue of machine learning system design resources.\n\n"
    "The catalogue is one TOML file (resources.toml); every command reads it, and the "
    "commands that change it write it atomically under a lock.",
    epilog='Examples:  mlsd search "feature store"   ·   mlsd list --org Netflix   ·   '
    "mlsd add URL   ·   mlsd export --format markdown -o README.md   ·   mlsd check",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode="rich",
)

#: (module under mlsd_cli.cli, command name), in the order ``--help`` lists them.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("search_cmd", "search"),
    ("list_cmd", "list"),
    ("show_cmd", "show"),
    ("add_cmd", "add"),
    ("edit_cmd", "edit"),
    ("remove_cmd", "remove"),
    ("tag_cmd", "tag"),
    ("dedupe_cmd", "dedupe"),
    ("import_cmd", "import"),
    ("export_cmd", "export"),
    ("check_cmd", "check"),
    ("init_cmd", "init"),
)

for _module, _name in COMMANDS:
    _loaded = importlib.import_module(f"mlsd_cli.cli.{_module}")
    # A command module may set CONTEXT_SETTINGS (e.g. `tag`, whose `-kafka` is not an option).
    app.command(_name, context_settings=getattr(_loaded, "CONTEXT_SETTINGS", None))(_loaded.command)


def _version(value: bool) -> None:
    if value:
        from mlsd_cli import __version__

        typer.echo(f"mlsd {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
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


def main() -> None:
    """Console-script entry point."""
    app(prog_name="mlsd")
