"""One answer to "is it already in the catalogue?" from add, edit and import.

The same input (a canonical-URL variant of an entry's URL; the title of an entry that
``dedupe --merge`` merged into another) is refused by ``add`` and ``edit`` and skipped by
``import`` alike: the same line naming the matched entry and why, exit status 1, and the
catalogue file left as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store

from .known_entries import OLD_IMPORT
from .known_entries import UBER
from .known_entries import write_known
from .known_entries import write_old_import

Cli = Callable[..., Result]
INTERACTIVE = {"MLSD_INTERACTIVE": "1"}


class Case(NamedTuple):
    name: str
    #: The candidate: its URL and title.
    url: str
    title: str
    #: The entry edited to take the candidate's URL or title.
    edited: str
    edit_option: str
    #: The one line every command prints.
    message: str


MERGED_ID = OLD_IMPORT[0][0]
CASES = [
    Case(
        "url-variant",
        UBER.replace("https://", "http://") + "?utm_source=newsletter",
        "Michelangelo, once more",
        "artwork",
        "--url",
        "already in the catalogue as 'ubers-michelangelo' (same URL): Uber's Michelangelo",
    ),
    Case(
        "alias-of-a-merged-entry",
        OLD_IMPORT[1][2],
        OLD_IMPORT[1][1],
        "ubers-michelangelo",
        "--title",
        f"already in the catalogue as '{MERGED_ID}' (merged into it as '{OLD_IMPORT[1][0]}'): "
        f"{OLD_IMPORT[0][1]}",
    ),
]


def _catalogue(case: Case, tmp_path: Path, cli: Cli) -> Path:
    if case.name == "url-variant":
        return write_known(tmp_path / "resources.toml")
    path = write_old_import(tmp_path / "resources.toml")
    merged = cli("dedupe", "-c", str(path), "--merge", input="m\n1\ny\n" * 3, env=INTERACTIVE)
    assert merged.exit_code == 0, merged.stdout + merged.stderr
    assert OLD_IMPORT[1][0] in store.load(path).resources[0].aliases
    return path


def _add(cli: Cli, case: Case, path: Path) -> Result:
    section = store.load(path).sections[0].id
    return cli(
        "add", case.url, "--title", case.title, "--kind", "blog", "--section", section,
        "--no-fetch", "--yes", "--force", "-c", str(path),
    )  # fmt: skip


def _edit(cli: Cli, case: Case, path: Path) -> Result:
    value = case.url if case.edit_option == "--url" else case.title
    return cli("edit", case.edited, case.edit_option, value, "-c", str(path))


def _import(cli: Cli, case: Case, path: Path) -> Result:
    md = path.parent / "list.md"
    md.write_text(f"# Reading\n\n- [{case.title}]({case.url})\n", encoding="utf-8")
    return cli("import", str(md), "--force", "-c", str(path))


COMMANDS = {"add": _add, "edit": _edit, "import": _import}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_refused_alike(cli: Cli, tmp_path: Path, case: Case, command: str) -> None:
    path = _catalogue(case, tmp_path, cli)
    before = path.read_bytes()
    result = COMMANDS[command](cli, case, path)
    assert result.exit_code == 1, result.stdout + result.stderr
    shown = result.stderr if command in ("add", "edit") else result.stdout
    assert case.message in shown, shown
    assert path.read_bytes() == before
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_json_of_add_and_import_names_the_same_entry(
    cli: Cli, tmp_path: Path, case: Case
) -> None:
    path = _catalogue(case, tmp_path, cli)
    section = store.load(path).sections[0].id
    added = cli(
        "add", case.url, "--title", case.title, "--kind", "blog", "--section", section,
        "--no-fetch", "--yes", "--json", "-c", str(path),
    )  # fmt: skip
    md = path.parent / "list.md"
    md.write_text(f"- [{case.title}]({case.url})\n", encoding="utf-8")
    imported = cli("import", str(md), "--json", "-c", str(path))
    assert added.exit_code == imported.exit_code == 1
    refused = json.loads(added.stdout)["duplicates"][0]
    skipped = json.loads(imported.stdout)["skipped"][0]
    assert refused["id"] == skipped["existing_id"]
    assert refused["reasons"][0] == skipped["reason"]
