"""The ``mlsd`` command line: one module per command, loaded only when that command runs.

The root group knows each command by its name, its module and the one line ``mlsd --help``
shows of it (:data:`COMMAND_TABLE`); a command's module is imported, and its Click command
built, the first time the command is looked up to run it (or to show its own help). So
``mlsd --version`` and ``mlsd --help`` import no command module at all, and ``mlsd list``
imports ``list_cmd`` only. Command modules import only Typer and :mod:`mlsd_cli.cli.common` at
module level; the library (and rich, rapidfuzz, httpx) is imported inside each command.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Iterator
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

#: The root's options that take a value (the next word, or ``--catalogue=PATH`` / ``-cPATH``).
_VALUED = ("-c", "--catalogue")
_COLOR = ("--color", "--no-color")


class _Root(TyperGroup):
    """The ``mlsd`` group: commands loaded on first use, and the root's options anywhere.

    ``self.commands`` is a :class:`_LazyCommands`: every name is there from the start, and
    looking one up imports its module. Listing the commands (``mlsd --help``, shell completion
    of a command name) uses each command's summary instead, so nothing is imported for it.

    ``--color``/``--no-color`` after the command mean what they mean before it. They are
    moved in front of the command word, after the root's own options, so the root parses them
    and the last one given wins (``mlsd --color list --no-color``: no colour). Every word after
    ``--`` is left alone."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _LazyCommands(dict(self.commands))
        self._listing = 0

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # the names only: nothing is loaded

    def get_command(self, ctx: Any, cmd_name: str) -> Any:  # click.Context -> click.Command
        commands = self.commands
        assert isinstance(commands, _LazyCommands)
        if self._listing and not commands.is_loaded(cmd_name):
            return commands.summary(cmd_name)
        return commands.get(cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        with self._summaries():
            super().format_help(ctx, formatter)

    def shell_complete(self, ctx: Any, incomplete: str) -> Any:
        with self._summaries():
            return super().shell_complete(ctx, incomplete)

    @contextlib.contextmanager
    def _summaries(self) -> Iterator[None]:
        self._listing += 1
        try:
            yield
        finally:
            self._listing -= 1

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # click.Context
        with _one_line_usage_errors(ctx):
            return super().parse_args(ctx, lift_color(args))

    def invoke(self, ctx: Any) -> Any:  # the command's own options are parsed here
        with _one_line_usage_errors(ctx):
            return super().invoke(ctx)


class _LazyCommands(MutableMapping[str, Any]):
    """The root's commands by name: those of :data:`COMMAND_TABLE` built on first look-up
    (:func:`load_command`), the others (``help``) as given."""

    def __init__(self, given: dict[str, Any]) -> None:
        self.loaded = given
        self.order = [name for _module, name, _summary in COMMAND_TABLE]
        self.order += [name for name in given if name not in self.order]

    def is_loaded(self, name: str) -> bool:
        return name in self.loaded

    def summary(self, name: str) -> Any:
        """A stand-in that only names the command and says what it does (for listings)."""
        from typer.core import TyperCommand

        return TyperCommand(name, help=_SUMMARIES[name]) if name in _SUMMARIES else None

    def __getitem__(self, name: str) -> Any:
        if name not in self.loaded:
            if name not in _MODULES:
                raise KeyError(name)
            self.loaded[name] = load_command(name)
        return self.loaded[name]

    def __setitem__(self, name: str, command: Any) -> None:
        if name not in self.order:
            self.order.append(name)
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        self.order.remove(name)
        self.loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self.order))

    def __len__(self) -> int:
        return len(self.order)

    def __contains__(self, name: object) -> bool:
        return name in self.order


def load_command(name: str) -> Any:
    """The Click command (or group) of ``mlsd NAME``, built from its module."""
    from typer.main import get_command_from_info
    from typer.main import get_group_from_info
    from typer.models import TyperInfo

    module = importlib.import_module(f"mlsd_cli.cli.{_MODULES[name]}")
    if hasattr(module, "app"):  # a command with sub-commands (`mlsd section list`)
        return get_group_from_info(
            TyperInfo(module.app, name=name),
            pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=app.rich_markup_mode,
            suggest_commands=app.suggest_commands,
        )
    # A command module may set CONTEXT_SETTINGS (e.g. `tag`, whose `-kafka` is not an option)
    # or COMMAND_CLASS (e.g. `search`, whose `-word` excludes a word).
    one = typer.Typer(rich_markup_mode=app.rich_markup_mode)
    one.command(
        name,
        cls=getattr(module, "COMMAND_CLASS", None),
        context_settings=getattr(module, "CONTEXT_SETTINGS", None),
    )(module.command)
    return get_command_from_info(
        one.registered_commands[0],
        pretty_exceptions_short=app.pretty_exceptions_short,
        rich_markup_mode=app.rich_markup_mode,
    )


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
        from mlsd_cli.cli import common

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

#: Every command, in the order ``mlsd --help`` lists them, with its summary: the first paragraph
#: of its help, as ``mlsd --help`` shows it (tests/test_cli_lazy.py checks that each still is).
#: A line that starts with blanks goes on the summary above it. ``mlsd NAME`` lives in the
#: module ``mlsd_cli.cli.NAME_cmd`` (``-`` as ``_``).
_SUMMARIES_TEXT = """\
search        Search titles, tags, authors, organisations, venues, sections, descriptions
              and URLs.
list          List resources, with filters, sorting and grouping.
show          Show one resource in full.
open          Open a resource's URL in the web browser.
add           Add a resource to the catalogue, checking first that it is not there already.
edit          Change fields of one resource, with options or in your editor.
remove        Remove one resource from the catalogue.
tag           Add and remove tags on one entry or many; list, rename and merge tags.
section       Show the sections as a tree; add, rename, move and remove sections.
dedupe        Find likely duplicates: the same resource under another URL, or a re-typed
              title.
import        Import a markdown list (an awesome list, a book's resources page) into the
              catalogue.
export        Export the catalogue as markdown, JSON, CSV, BibTeX or HTML.
check         Check the resources' links: dead, failing, moved, or blocked by bot protection.
init          Create an empty catalogue, and the folders on its path (refuses to overwrite a
              file).
merge-driver  Merge two versions of a catalogue entry by entry (git's merge driver for
              resources.toml).
"""


def _read_summaries(text: str) -> dict[str, str]:
    summaries: dict[str, str] = {}
    name = ""
    for line in text.splitlines():
        if line[:1].isspace():
            summaries[name] += " " + line.strip()
        else:
            name, _blank, summary = line.partition(" ")
            summaries[name] = summary.strip()
    return summaries


_SUMMARIES = _read_summaries(_SUMMARIES_TEXT)
_MODULES = {name: name.replace("-", "_") + "_cmd" for name in _SUMMARIES}
#: (module under mlsd_cli.cli, command name, its summary), in the order ``--help`` lists them.
COMMAND_TABLE: tuple[tuple[str, str, str], ...] = tuple(
    (_MODULES[name], name, summary) for name, summary in _SUMMARIES.items()
)
#: (module under mlsd_cli.cli, command name), in the order ``--help`` lists them.
COMMANDS: tuple[tuple[str, str], ...] = tuple((m, n) for m, n, _s in COMMAND_TABLE)


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
    from mlsd_cli.cli import common  # here, not at the top: `mlsd --version` needs none of it

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
        from mlsd_cli.cli import common

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
