"""What every command shares: the catalogue option, filter options, error handling, output.

This module stays cheap to import (no rich, no httpx): ``mlsd --help`` pays only for Typer.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Annotated
from typing import Any
from typing import TypeVar

import typer

from mlsd_cli.catalogue.controls import UNSAFE
from mlsd_cli.catalogue.controls import visible
from mlsd_cli.cli import completion
from mlsd_cli.cli.prompts import Declined
from mlsd_cli.errors import ExitCode
from mlsd_cli.errors import MissingFieldsError
from mlsd_cli.errors import MlsdError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rich.console import Console

    from mlsd_cli.catalogue.model import Catalogue
    from mlsd_cli.catalogue.store import CatalogueLocation
    from mlsd_cli.lookup.filters import ResourceFilter

F = TypeVar("F", bound=Callable[..., Any])

# ----------------------------------------------------------------- shared options

CatalogueOpt = Annotated[
    Path | None,
    typer.Option(
        "--catalogue",
        "-c",
        help="Catalogue file. Default: $MLSD_CATALOGUE, else resources.toml here or in a "
        "parent directory, else the catalogue shipped with mlsd (read-only).",
        show_default=False,
        dir_okay=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of text.")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
#: The entry a command works on (``mlsd show ID``); completes entry ids, titles as help.
IdArg = Annotated[
    str,
    completion.argument(
        metavar="ID", help="Resource id, or an unambiguous title.", values=completion.entry_ids
    ),
]

SectionOpt = Annotated[
    list[str] | None,
    completion.option(
        "--section",
        "-s",
        help="Only this section (id or title; includes sub-sections). Repeatable.",
        values=completion.section_names,
    ),
]
TagOpt = Annotated[
    list[str] | None,
    completion.option(
        "--tag", "-t", help="Only resources with this tag. Repeatable.", values=completion.tags
    ),
]
KindOpt = Annotated[
    list[str] | None,
    completion.option(
        "--kind",
        "-k",
        help="Only this kind (blog, paper, video, talk, book, ...). Repeatable.",
        values=completion.kinds,
    ),
]
OrgOpt = Annotated[
    list[str] | None, typer.Option("--org", help="Only this organisation. Repeatable.")
]
YearOpt = Annotated[list[int] | None, typer.Option("--year", help="Only this year. Repeatable.")]
SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since", help="Published in or after YEAR, or added on or after a DATE (2024-05-01)."
    ),
]
NoUrlOpt = Annotated[bool, typer.Option("--no-url", help="Only resources without a URL.")]


def build_filter(
    catalogue: Catalogue,
    section: list[str] | None,
    tag: list[str] | None,
    kind: list[str] | None,
    org: list[str] | None,
    year: list[int] | None,
    since: str | None,
    no_url: bool,
) -> ResourceFilter:
    """Turn the shared filter options into a :class:`ResourceFilter`."""
    from mlsd_cli.lookup.filters import make_filter
    from mlsd_cli.lookup.filters import parse_since

    return make_filter(
        catalogue,
        sections=section or (),
        tags=tag or (),
        kinds=kind or (),
        orgs=org or (),
        years=year or (),
        since=parse_since(since) if since else None,
        no_url=no_url,
    )


# ----------------------------------------------------------------- catalogue access


class Globals:
    """The root's options (``mlsd -c FILE --no-color CMD``), set by the root for each run."""

    catalogue: Path | None = None
    color: bool | None = None


GLOBALS = Globals()


def locate(catalogue: Path | None, *, must_exist: bool = True) -> CatalogueLocation:
    """The catalogue a command works on: its own ``--catalogue``, else the root's, else the
    default (see :func:`mlsd_cli.catalogue.store.find_catalogue`)."""
    from mlsd_cli.catalogue.store import find_catalogue

    chosen = catalogue if catalogue is not None else GLOBALS.catalogue
    return find_catalogue(chosen, must_exist=must_exist)


def load_catalogue(catalogue: Path | None) -> tuple[CatalogueLocation, Catalogue]:
    """Find and load the catalogue named by ``--catalogue`` (or the default one)."""
    location, loaded, _digest = load_catalogue_with_digest(catalogue)
    return location, loaded


def load_catalogue_with_digest(catalogue: Path | None) -> tuple[CatalogueLocation, Catalogue, str]:
    """:func:`load_catalogue`, and the hash of the file's content (a key for derived caches)."""
    import gc

    from mlsd_cli.catalogue import store
    from mlsd_cli.catalogue.gcpause import no_cyclic_gc

    location = locate(catalogue)
    with no_cyclic_gc():
        loaded, digest = store.load_with_digest(location)
        # The catalogue lives as long as the command: freeze it out of the cyclic GC's sight
        # before the collector runs again (each full pass over 100k entries costs ~0.3 s).
        gc.freeze()
    return location, loaded, digest


# ----------------------------------------------------------------- errors

#: Core errors name a field (``MlsdError.field``); this is the parameter of a command that gives
#: it, where the two names differ. Any other field is the parameter of the same name. The user
#: sees that parameter's option, as spelled by the command run (``--section``, ``--add-tag``).
FIELD_OPTIONS = {
    "sections": "section",
    "add_sections": "add_section",
    "remove_sections": "remove_section",
    "kinds": "kind",
    "tags": "tag",
    "add_tags": "add_tag",
    "remove_tags": "remove_tag",
    "authors": "author",
    "orgs": "org",
    "years": "year",
    "format": "fmt",
}


def _options(command: Callable[..., Any]) -> dict[str, str]:
    """Parameter name -> long option of a command function (its typer.Option declarations)."""
    import typing

    from typer.models import OptionInfo

    options = {}
    for name, hint in typing.get_type_hints(command, include_extras=True).items():
        for info in getattr(hint, "__metadata__", ()):
            if isinstance(info, OptionInfo):
                decls = [d for d in (info.default, *(info.param_decls or ())) if isinstance(d, str)]
                longs = [d for d in decls if d.startswith("--")]
                options[name] = longs[0] if longs else "--" + name.replace("_", "-")
    return options


def option_for(command: Callable[..., Any], field: str) -> str | None:
    """The option (``--section``) of ``command`` that gives ``field``, if it has one."""
    return _options(command).get(FIELD_OPTIONS.get(field, field))


def error_text(exc: MlsdError, command: Callable[..., Any]) -> str:
    """``exc`` as the user of ``command`` reads it: the option that gave the field first."""
    text = str(exc)
    if isinstance(exc, MissingFieldsError) and exc.hint is None:
        text += "; pass " + ", ".join(option_for(command, f) or f for f in exc.fields)
    option = option_for(command, exc.field) if exc.field else None
    return f"{option}: {text}" if option else text


def printable(text: str) -> str:
    """``text`` with control and other invisible characters written as escapes (\\x1b)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def err(message: str) -> None:
    """One line on stderr, prefixed with ``mlsd:`` (control characters escaped)."""
    sys.stderr.write(f"mlsd: {printable(message)}\n")
    sys.stderr.flush()


def warn(notes: Iterable[Any]) -> None:
    """``mlsd: warning: ...`` for each note (anything with a ``message``)."""
    for note in notes:
        err(f"warning: {note.message}")


class _Run:
    """What the running command has said about its exit status before its output is done."""

    findings = False


def handle_errors(func: F) -> F:
    """The one exit boundary: turn library errors into one line on stderr and the exit code
    the error carries (2 a mistake, 1 a refusal such as a duplicate or no answer).

    The lines of ``exc.details()`` follow the message (candidates); with ``--json`` the error
    is also printed on stdout as JSON: ``{"error", "exit_code", ...exc.json_details()}``.

    A declined question (:class:`~mlsd_cli.cli.prompts.Declined`) is an answer: its message as
    a plain line on stderr (with ``--json`` also ``{"declined": ...}`` on stdout), exit 0 (1 if
    the command had findings already), nothing written.

    Ctrl-C exits 130 with a short note saying whether anything was written (every write goes
    through :func:`mlsd_cli.changes.commit.commit` and is atomic: never half-written).
    A reader of stdout that hangs up (``mlsd list | head -1``) changes no exit status: output
    stops, and the command exits 0, or 1 when it has findings (see :func:`has_findings`).
    Set MLSD_DEBUG=1 to see tracebacks.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        writes = sys.modules.get("mlsd_cli.changes.commit")
        if writes is not None:  # a new command in this process (tests): no write yet
            writes.reset()
        _Run.findings = False
        try:
            result = func(*args, **kwargs)
        except MlsdError as exc:
            if os.environ.get("MLSD_DEBUG"):
                raise
            text = error_text(exc, func)
            err(f"error: {text}")
            for line in exc.details():
                sys.stderr.write(f"  {printable(line)}\n")
            if kwargs.get("json_out"):  # every --json run prints JSON, a refusal too
                data = {"error": text, "exit_code": int(exc.exit_code)}
                try:
                    print_json({**data, **(exc.json_details() or {})})
                except BrokenPipeError:
                    _stdout_gone()
            _flush_stdout()
            raise typer.Exit(int(exc.exit_code)) from None
        except Declined as answer:
            _declined(answer.message, json_out=bool(kwargs.get("json_out")))
            raise typer.Exit(int(_exit_status())) from None
        except KeyboardInterrupt:
            if os.environ.get("MLSD_DEBUG"):
                raise
            writes = sys.modules.get("mlsd_cli.changes.commit")
            err(writes.interrupted_note() if writes else "interrupted; nothing was written")
            _flush_stdout()
            raise typer.Exit(130) from None
        except BrokenPipeError:
            _stdout_gone()
            raise typer.Exit(int(_exit_status())) from None
        except typer.Exit:
            _flush_stdout()
            raise
        _flush_stdout()
        if _Run.findings:
            raise typer.Exit(int(ExitCode.FINDINGS))
        return result

    return wrapper  # type: ignore[return-value]


def _declined(message: str, *, json_out: bool) -> None:
    sys.stderr.write(printable(message) + "\n")
    try:
        if json_out:
            print_json({"declined": message, "exit_code": int(_exit_status())})
    except BrokenPipeError:
        _stdout_gone()
    _flush_stdout()


def _exit_status() -> ExitCode:
    return ExitCode.FINDINGS if _Run.findings else ExitCode.OK


def _flush_stdout() -> None:
    """Flush stdout now, so that a reader who hung up is noticed here, not at interpreter exit
    (where Python would print a traceback and exit 120)."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _stdout_gone()


def _stdout_gone() -> None:
    """The reader of stdout went away (`mlsd list | head`): that is not an error. What is left
    in the buffer goes to /dev/null, so the interpreter's last flush cannot fail either."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def has_findings(found: bool = True) -> None:
    """Say, before printing them, that the command found something (dead links, duplicates):
    it exits 1 when it returns, and still exits 1 if stdout's reader hangs up while it prints."""
    _Run.findings = _Run.findings or found


def exit_findings() -> None:
    """Exit 1 now: the command has findings (everything is printed already)."""
    has_findings()
    raise typer.Exit(int(ExitCode.FINDINGS))


# ----------------------------------------------------------------- output


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


@functools.cache
def _visible_console() -> type[Console]:
    """A rich Console that writes every control character of the text it prints as a visible
    escape (:func:`visible`): rich's markup escaping does not cover controls. Rich's own
    codes (colours, the progress bar's cursor moves) are control segments or styles, and
    pass."""
    from rich.console import Console
    from rich.segment import Segment

    class VisibleConsole(Console):
        def _render_buffer(self, buffer: Iterable[Segment]) -> str:
            return super()._render_buffer(
                s if s.control or s.text.isprintable() else Segment(visible(s.text), *s[1:])
                for s in buffer
            )

    return VisibleConsole


def console(*, stderr: bool = False) -> Console:
    """A rich Console honouring NO_COLOR / TERM=dumb (rich does both), and ``--color`` /
    ``--no-color`` over both (``--color`` colours a pipe too). Control characters in what it
    prints are made visible (:func:`_visible_console`)."""
    visible_console = _visible_console()
    color = GLOBALS.color
    if color is None:
        return visible_console(stderr=stderr, highlight=False, soft_wrap=False)
    return visible_console(
        stderr=stderr,
        highlight=False,
        soft_wrap=False,
        no_color=not color,
        force_terminal=True if color else None,
        color_system="auto" if color else None,
    )


def print_json(data: Any) -> None:
    """JSON on stdout; C0 controls are escaped by json, the other unsafe characters (C1, bidi
    overrides) are written as ``\\uXXXX`` escapes too: the same data, nothing a terminal obeys."""
    print_json_text(json.dumps(data, ensure_ascii=False, indent=2))


def print_json_text(text: str) -> None:
    """:func:`print_json` of a document already dumped (``ensure_ascii=False, indent=2``)."""
    if not text.isprintable():
        text = UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    sys.stdout.write(text + "\n")


def echo(text: str = "") -> None:
    """One line (or several) on stdout, control characters from the data made visible."""
    sys.stdout.write(visible(text) + "\n")
