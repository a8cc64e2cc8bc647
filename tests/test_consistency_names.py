"""Issue 8 acceptance: every command reads a section name, a kind and a tag the same way.

The same input given to list, search, export, add, edit, tag and import (where the command
takes it) is accepted alike (and means the same section, kind or tag), or refused alike: the
same exit status, the same one-line message apart from the option it names, nothing written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import KINDS

Run = Callable[..., Result]

CATALOGUE = """\
[catalogue]
format = 1

[[sections]]
id = "platforms"
title = "ML platforms"

[[sections]]
id = "chapter-1"
title = "Chapter 1: Overview"

[[sections]]
id = "chapter-2"
title = "Chapter 2: Data"

[[resources]]
id = "feast"
title = "Feast"
kind = "blog"
sections = ["chapter-1"]
url = "https://feast.dev/"
tags = ["feature-store"]

[[resources]]
id = "calibration"
title = "On calibration of modern neural networks"
kind = "paper"
sections = ["platforms"]
url = "https://arxiv.org/abs/1706.04599"
tags = ["ранжирование"]
"""

LIST_MD = "# Reading\n\n- [A new list item](https://example.org/new-item)\n"


@pytest.fixture
def cat(tmp_path: Path) -> Path:
    path = tmp_path / "resources.toml"
    path.write_text(CATALOGUE, encoding="utf-8")
    (tmp_path / "list.md").write_text(LIST_MD, encoding="utf-8")
    return path


def _commands(option: str, value: str) -> dict[str, list[str]]:
    """Every command that takes ``option`` (section, kind, tag), given ``value``."""
    new = ["--title", "A new entry", "--no-fetch", "--yes"]
    table = {
        "section": {
            "list": ["list", "--section", value, "--json"],
            "search": ["search", "calibration", "--section", value, "--json"],
            "export": ["export", "--format", "json", "--section", value],
            "add": ["add", *new, "--kind", "blog", "--section", value],
            "edit": ["edit", "feast", "--add-section", value],
            "tag": ["tag", "--section", value, "+x", "--yes"],
            "import": ["import", "LIST", "--section", value],
        },
        "kind": {
            "list": ["list", "--kind", value, "--json"],
            "search": ["search", "calibration", "--kind", value, "--json"],
            "export": ["export", "--format", "json", "--kind", value],
            "add": ["add", *new, "--kind", value, "--section", "platforms"],
            "edit": ["edit", "feast", "--kind", value],
            "tag": ["tag", "--kind", value, "+x", "--yes"],
        },
        "tag": {
            "list": ["list", "--tag", value, "--json"],
            "search": ["search", "calibration", "--tag", value, "--json"],
            "export": ["export", "--format", "json", "--tag", value],
            "add": ["add", *new, "--kind", "blog", "--section", "platforms", "--tag", value],
            "edit": ["edit", "feast", "--add-tag", value],
            "tag": ["tag", "feast", f"+{value}"],
        },
    }
    return table[option]


def _run(cli: Run, cat: Path, args: list[str]) -> Result:
    args = [str(cat.parent / "list.md") if a == "LIST" else a for a in args]
    return cli(*args, "--catalogue", str(cat))


def _message(result: Result) -> str:
    """The error line without ``mlsd: error:`` and the option in front (``--section: ``)."""
    [line] = result.stderr.strip().splitlines()
    match = re.fullmatch(r"mlsd: error: (?:--[a-z-]+: )?(.*)", line)
    assert match, line
    return match.group(1)


# --------------------------------------------------------------------------- refused alike

KIND_CHOICES = ", ".join(KINDS)

REFUSED = [
    pytest.param(
        "section",
        "chapter",
        "'chapter' could be any of 2 sections: chapter-1 and chapter-2; "
        "give more of the id or title",
        id="ambiguous section",
    ),
    pytest.param(
        "section",
        "nowhere-at-all",
        "no section named 'nowhere-at-all'; sections: platforms, chapter-1 and chapter-2",
        id="unknown section",
    ),
    pytest.param(
        "kind", "pdf", f"unknown kind 'pdf'; use one of {KIND_CHOICES}", id="unknown kind"
    ),
    pytest.param(
        "kind", "t", f"kind 't' could be talk or thread; use one of {KIND_CHOICES}", id="kind t"
    ),
    pytest.param(
        "tag",
        "!!!",
        "tag '!!!' has no letters or digits; a tag is words joined by '-', such as feature-store",
        id="empty tag",
    ),
]


@pytest.mark.parametrize(("option", "value", "message"), REFUSED)
def test_the_same_input_is_refused_alike_by_every_command(
    cli: Run, cat: Path, option: str, value: str, message: str
) -> None:
    before = cat.read_bytes()
    outcomes = {}
    commands = _commands(option, value)
    if value == "nowhere-at-all":
        del commands["import"]  # import --section creates a section no name fits: see below
    for command, args in commands.items():
        result = _run(cli, cat, args)
        stdout = result.stdout
        if "--json" in args:  # a refusal under --json is printed as JSON too
            document = json.loads(stdout)
            assert (document["exit_code"], document["error"].endswith(message)) == (2, True)
            stdout = ""
        outcomes[command] = (result.exit_code, _message(result), stdout)
        assert cat.read_bytes() == before, f"{command} wrote the catalogue"
    assert outcomes == {command: (2, message, "") for command in outcomes}


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["list", "--section", "chapter"], "--section"),
        (["edit", "feast", "--add-section", "chapter"], "--add-section"),
        (["edit", "feast", "--remove-section", "chapter"], "--remove-section"),
        (["edit", "feast", "--kind", "pdf"], "--kind"),
        (["add", "--title", "T", "--kind", "pdf", "--section", "platforms", "--yes"], "--kind"),
        (["edit", "feast", "--add-tag", "!!!"], "--add-tag"),
        (["edit", "feast", "--remove-tag", "!!!"], "--remove-tag"),
        (["edit", "feast", "--tag", "!!!"], "--tag"),
        (["tag", "feast", "+!!!"], None),  # +TAG is an argument, not an option
        (["import", "LIST", "-s", "chapter"], "--section"),
    ],
)
def test_the_message_names_the_option_of_the_command_run(
    cli: Run, cat: Path, args: list[str], option: str | None
) -> None:
    result = _run(cli, cat, args)
    assert result.exit_code == 2
    line = result.stderr.strip()
    prefix = "mlsd: error: " + (f"{option}: " if option else "")
    assert line.startswith(prefix) and not line.startswith(prefix + "--")


def test_import_creates_the_section_no_name_fits(cli: Run, cat: Path) -> None:
    result = _run(cli, cat, ["import", "LIST", "--section", "Nowhere at all"])
    assert result.exit_code == 0, result.stderr
    created = store.load(cat).section("nowhere-at-all")
    assert created is not None and created.title == "Nowhere at all"


# --------------------------------------------------------------------------- accepted alike


def _ids(result: Result) -> list[str]:
    """The ids in ``list --json``, ``search --json`` or ``export --format json`` output."""
    data = json.loads(result.stdout)
    return [r["id"] for r in (data["resources"] if isinstance(data, dict) else data)]


def _entry(cat: Path, rid: str) -> object:
    found = store.load(cat).resource(rid)
    assert found is not None
    return found


def _new_entry(cat: Path) -> object:
    return _entry(cat, "a-new-entry")


def test_a_section_prefix_is_the_same_section_everywhere(cli: Run, cat: Path) -> None:
    results = {c: _run(cli, cat, a) for c, a in _commands("section", "plat").items()}
    assert {c: r.exit_code for c, r in results.items()} == dict.fromkeys(results, 0)
    assert all(r.stderr == "" for r in results.values()), results
    assert _ids(results["list"]) == _ids(results["search"]) == ["calibration"]
    assert _ids(results["export"]) == ["calibration"]
    assert _new_entry(cat).sections == ["platforms"]  # type: ignore[attr-defined]
    assert _entry(cat, "feast").sections == ["chapter-1", "platforms"]  # type: ignore[attr-defined]
    assert "x" in _entry(cat, "calibration").tags  # type: ignore[attr-defined]
    imported = store.load(cat).section("reading")
    assert imported is not None and imported.parent == "platforms"


def test_a_kind_prefix_is_the_same_kind_everywhere(cli: Run, cat: Path) -> None:
    results = {c: _run(cli, cat, a) for c, a in _commands("kind", "pap").items()}
    assert {c: r.exit_code for c, r in results.items()} == dict.fromkeys(results, 0)
    assert _ids(results["list"]) == _ids(results["search"]) == ["calibration"]
    assert _ids(results["export"]) == ["calibration"]
    assert _new_entry(cat).kind == "paper"  # type: ignore[attr-defined]
    assert _entry(cat, "feast").kind == "paper"  # type: ignore[attr-defined]
    assert "x" in _entry(cat, "calibration").tags  # type: ignore[attr-defined]


def test_a_non_ascii_tag_is_the_same_tag_everywhere(cli: Run, cat: Path) -> None:
    results = {c: _run(cli, cat, a) for c, a in _commands("tag", "Ранжирование").items()}
    assert {c: r.exit_code for c, r in results.items()} == dict.fromkeys(results, 0)
    assert _ids(results["list"]) == _ids(results["search"]) == ["calibration"]
    assert _ids(results["export"]) == ["calibration"]
    assert _new_entry(cat).tags == ["ранжирование"]  # type: ignore[attr-defined]
    assert _entry(cat, "feast").tags == ["feature-store", "ранжирование"]  # type: ignore[attr-defined]
    assert all("warning" not in r.stderr for r in results.values())


@pytest.mark.parametrize(
    ("tag", "normal"),
    [("推荐 系统", "推荐-系统"), ("Μηχανική μάθηση", "μηχανική-μάθηση"), ("Équité", "equite")],
)
def test_tags_of_any_script_are_written_and_read_back(
    cli: Run, cat: Path, tag: str, normal: str
) -> None:
    assert _run(cli, cat, ["tag", "feast", f"+{tag}"]).exit_code == 0
    assert normal in _entry(cat, "feast").tags  # type: ignore[attr-defined]
    assert _ids(_run(cli, cat, ["list", "--tag", tag, "--json"])) == ["feast"]


# --------------------------------------------------------------------------- tag warnings


def test_a_near_spelling_is_warned_about_once_in_the_same_words_everywhere(
    cli: Run, cat: Path
) -> None:
    warning = "mlsd: warning: new tag 'feature-stores' looks like existing 'feature-store'\n"
    add = ["add", "--title", "A new entry", "--kind", "blog", "--section", "platforms"]
    for args in (
        [*add, "--tag", "feature stores", "--no-fetch", "--yes"],
        ["edit", "calibration", "--add-tag", "Feature_Stores"],
        ["edit", "calibration", "--tag", "feature-stores"],
        ["tag", "calibration", "+feature-stores"],
    ):
        cat.write_text(CATALOGUE, encoding="utf-8")  # feature-stores is new each time
        result = _run(cli, cat, args)
        assert result.exit_code == 0 and result.stderr == warning, args
        changed = store.load(cat).resource("a-new-entry" if args[0] == "add" else "calibration")
        assert changed is not None and "feature-stores" in changed.tags, args


def test_removing_a_tag_the_entry_lacks_is_the_same_warning_in_edit_and_tag(
    cli: Run, cat: Path
) -> None:
    before = cat.read_bytes()
    for args in (["edit", "feast", "--remove-tag", "Kafka"], ["tag", "feast", "-kafka"]):
        result = _run(cli, cat, args)
        assert result.exit_code == 0, args
        assert result.stderr == "mlsd: warning: 'feast' has no tag 'kafka'\n", args
    assert cat.read_bytes() == before


# --------------------------------------------------------------------------- at the prompts


def test_interactive_add_reads_names_as_the_options_do(cli: Run, cat: Path) -> None:
    """At a prompt the same words are refused with the same message, and asked again."""
    answers = [
        "",  # no URL
        "A new entry",
        "t",  # kind: ambiguous, asked again
        "pap",
        "chapter",  # section: ambiguous, asked again
        "plat",
        "!!!",  # tags: nothing left, asked again
        "Ранжирование, 推荐 系统",
        "",  # authors
        "",  # organisation
        "",  # year
        "",  # description
        "y",
    ]
    result = cli(
        "add",
        "--catalogue",
        str(cat),
        input="".join(a + "\n" for a in answers),
        env={"MLSD_INTERACTIVE": "1"},
    )
    assert result.exit_code == 0, result.stderr
    for _option, value, message in (p.values for p in REFUSED):
        if value in ("t", "chapter", "!!!"):  # the refused answers above
            assert f"  {message}\n" in result.stderr
    new = _new_entry(cat)
    assert new.kind == "paper" and new.sections == ["platforms"]  # type: ignore[attr-defined]
    assert new.tags == ["ранжирование", "推荐-系统"]  # type: ignore[attr-defined]
