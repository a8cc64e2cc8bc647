"""Core errors name a field and its choices, never a flag; the CLI shows the option (issue 8)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Annotated

import pytest
import typer

from mlsd_cli.cli.common import error_text
from mlsd_cli.cli.common import option_for
from mlsd_cli.cli.common import printable
from mlsd_cli.errors import InputError
from mlsd_cli.errors import MissingFieldsError
from mlsd_cli.errors import MlsdError

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "mlsd_cli"
#: The CLI names flags by right.
NOT_CORE = ("cli",)
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def _core_modules() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).parts[0] not in NOT_CORE
    ]


def _texts(node: ast.AST) -> list[tuple[int, str]]:
    """The strings under ``node``, an f-string as one text ("{}" for each value)."""
    if isinstance(node, ast.JoinedStr):
        parts = [v.value if isinstance(v, ast.Constant) else "{}" for v in node.values]
        return [(node.lineno, "".join(str(p) for p in parts))]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [(node.lineno, node.value)]
    return [text for child in ast.iter_child_nodes(node) for text in _texts(child)]


def _flags_in_errors(path: Path) -> list[str]:
    """Flags in what the module raises (messages and hints). A whole command line to run
    (`mlsd tag --list`) is advice, not a flag of the running command, and may stay."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        error: ast.AST | None = None
        if isinstance(node, ast.Raise):
            error = node.exc
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "").endswith("Error"):
            error = node  # an error built to be raised elsewhere (`return DuplicateError(...)`)
        if error is not None:
            for line, text in _texts(error):
                if "mlsd " not in text:
                    found += [f"{path.name}:{line}: {flag}" for flag in FLAG.findall(text)]
    return found


def test_no_core_error_names_a_flag() -> None:
    """Core errors speak of fields (``field=``); the CLI maps them to the option of the command
    run."""
    assert _core_modules()
    found = [hit for path in _core_modules() for hit in _flags_in_errors(path)]
    assert found == []


def test_choices_make_the_hint_unless_one_is_given() -> None:
    error = InputError("unknown kind 'x'", field="kind", choices=("blog", "paper"))
    assert (error.field, error.choices, str(error)) == (
        "kind",
        ("blog", "paper"),
        "unknown kind 'x'; use one of blog, paper",
    )
    assert str(InputError("bad", choices=("a",), hint="do this")) == "bad; do this"
    assert MlsdError("plain").field is None


@typer.Typer().command()
def _sample(
    section: Annotated[list[str] | None, typer.Option("--section", "-s")] = None,
    add_tag: Annotated[list[str] | None, typer.Option("--add-tag")] = None,
    group_by: Annotated[str | None, typer.Option()] = None,
    title: Annotated[str | None, typer.Option("--title")] = None,
    ref: Annotated[str, typer.Argument()] = "",
) -> None:
    """A command with the options the field table maps to."""


@pytest.mark.parametrize(
    ("field", "option"),
    [
        ("sections", "--section"),
        ("add_tags", "--add-tag"),
        ("group_by", "--group-by"),  # no declaration: typer's default spelling
        ("remove_tags", None),  # the command has no such option
        ("ref", None),  # an argument, not an option
    ],
)
def test_a_field_is_shown_as_the_option_of_the_command(field: str, option: str | None) -> None:
    assert option_for(_sample, field) == option


def test_error_text() -> None:
    assert error_text(InputError("no section named 'x'", field="sections"), _sample) == (
        "--section: no section named 'x'"
    )
    assert error_text(InputError("at a prompt", field="kind"), _sample) == "at a prompt"
    missing = MissingFieldsError(["title", "sections"])
    assert error_text(missing, _sample) == ("missing title and sections; pass --title, --section")


def test_printable_escapes_control_characters() -> None:
    assert printable("plain — ünïcode 推荐") == "plain — ünïcode 推荐"
    assert printable("a\x1b[2Jb\x07\u202e") == "a\\x1b[2Jb\\x07\\u202e"
