"""``mlsd edit`` end to end: field options, and --editor with fake editors (real processes)."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Resource

from . import ondisk

Run = Callable[..., Result]


def resource(path: Path, rid: str) -> Resource:
    found = store.load(path).resource(rid)
    assert found is not None
    return found


@pytest.fixture(autouse=True)
def _own_tempdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temp files of --editor go to this test's own directory."""
    import tempfile

    directory = tmp_path / "tmp"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory


def fake_editor(tmp_path: Path, body: str, *, name: str = "editor.py") -> str:
    """An "editor": a script that rewrites the file it is given (``text`` holds its content)."""
    script = tmp_path / name
    script.write_text(
        f"#!{sys.executable}\n"
        "import pathlib, re, sys\n"
        "path = pathlib.Path(sys.argv[1])\n"
        "text = path.read_text(encoding='utf-8')\n"
        f"{body}\n"
        "path.write_text(text, encoding='utf-8')\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return str(script)


# ----------------------------------------------------------------- field options


def test_edit_fields_with_options(cli: Run, sample_catalogue: Path) -> None:
    result = cli(
        "edit",
        "ubers-michelangelo",
        "--title",
        "Meet Michelangelo: Uber's Machine Learning Platform",
        "--year",
        "2018",
        "--add-tag",
        "MLOps",
        "--add-section",
        "Streaming systems",
        "--author",
        "Jeremy Hermann",
        "--author",
        "Mike Del Balso",
        "--venue",
        "Uber Engineering",
        "-c",
        str(sample_catalogue),
    )
    assert result.exit_code == 0, result.stderr
    assert "Updated ubers-michelangelo" in result.stdout
    r = resource(sample_catalogue, "ubers-michelangelo")
    assert r.title == "Meet Michelangelo: Uber's Machine Learning Platform"
    assert r.year == 2018 and r.venue == "Uber Engineering"
    assert r.tags == ["ml-platform", "mlops"]
    assert r.sections == ["platforms", "streaming"]
    assert r.authors == ["Jeremy Hermann", "Mike Del Balso"]
    assert r.url == "https://eng.uber.com/michelangelo-machine-learning-platform/"
    text = sample_catalogue.read_text(encoding="utf-8")
    assert store.dumps(store.load(sample_catalogue)) == text


def test_replace_and_remove_sections_and_tags(cli: Run, sample_catalogue: Path) -> None:
    result = cli(
        "edit",
        "the-log",
        "--section",
        "platforms",
        "--section",
        "streaming",
        "--remove-tag",
        "streaming",
        "--add-tag",
        "logs",
        "-c",
        str(sample_catalogue),
    )
    assert result.exit_code == 0, result.stderr
    r = resource(sample_catalogue, "the-log")
    assert r.sections == ["platforms", "streaming"] and r.tags == ["logs"]
    again = cli("edit", "the-log", "--remove-section", "platforms", "-c", str(sample_catalogue))
    assert again.exit_code == 0, again.stderr
    assert resource(sample_catalogue, "the-log").sections == ["streaming"]


def test_clear_fields(cli: Run, sample_catalogue: Path) -> None:
    result = cli(
        "edit",
        "the-log",
        "--clear",
        "year",
        "--clear",
        "authors",
        "--org",
        "",
        "--url",
        "",
        "-c",
        str(sample_catalogue),
    )
    assert result.exit_code == 0, result.stderr
    r = resource(sample_catalogue, "the-log")
    assert (r.year, r.authors, r.org, r.url) == (None, [], None, None)


def test_named_by_fuzzy_title(cli: Run, sample_catalogue: Path) -> None:
    result = cli(
        "edit",
        "predicting clicks on ads at facebook",
        "--url",
        "https://research.facebook.com/publications/practical-lessons-from-predicting-clicks-on-ads-at-facebook/",
        "--json",
        "-c",
        str(sample_catalogue),
    )
    assert result.exit_code == 0, result.stderr
    assert '"id": "facebook-ads-clicks"' in result.stdout
    assert resource(sample_catalogue, "facebook-ads-clicks").url.startswith(  # type: ignore[union-attr]
        "https://research.facebook.com/"
    )


def test_ambiguous_name_lists_candidates(cli: Run, sample_catalogue: Path) -> None:
    with ondisk.editing(sample_catalogue) as catalogue:
        for rid, title in [
            ("feature-store-uber", "Feature stores at Uber"),
            ("feature-store-lyft", "Feature stores at Lyft"),
        ]:
            catalogue.resources.append(Resource(rid, title, "blog", ["platforms"]))
    before = sample_catalogue.read_bytes()
    result = cli("edit", "feature stores at", "--year", "2020", "-c", str(sample_catalogue))
    assert result.exit_code == 2
    assert "feature-store-uber" in result.stderr and "feature-store-lyft" in result.stderr
    assert sample_catalogue.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--remove-section", "platforms"], "would be in no section"),
        (["--kind", "papr"], "unknown kind"),
        (["--year", "99"], "four-digit"),
        (["--url", "javascript:alert(1)"], "javascript"),
        (["--add-section", "nowhere"], "no section named 'nowhere'"),
        (["--clear", "title"], "cannot be cleared"),
        (["--title", " "], "needs a title"),
        ([], "nothing to change"),
        (["--title", "X", "--editor"], "not both"),
    ],
)
def test_bad_edits_are_exit_2_and_write_nothing(
    cli: Run, sample_catalogue: Path, args: list[str], message: str
) -> None:
    before = sample_catalogue.read_bytes()
    result = cli("edit", "ubers-michelangelo", *args, "-c", str(sample_catalogue))
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert sample_catalogue.read_bytes() == before


def test_unknown_id(cli: Run, sample_catalogue: Path) -> None:
    result = cli("edit", "zzzz-qqqq", "--year", "2020", "-c", str(sample_catalogue))
    assert result.exit_code == 2
    assert "no resource" in result.stderr


def test_url_of_another_resource_is_refused(cli: Run, sample_catalogue: Path) -> None:
    before = sample_catalogue.read_bytes()
    result = cli(
        "edit",
        "the-log",
        "--url",
        "https://www.eng.uber.com/michelangelo-machine-learning-platform?utm_campaign=x",
        "-c",
        str(sample_catalogue),
    )
    assert result.exit_code == 1
    assert "ubers-michelangelo" in result.stderr
    assert sample_catalogue.read_bytes() == before


def test_unchanged_values_write_nothing(cli: Run, sample_catalogue: Path) -> None:
    before = sample_catalogue.read_bytes()
    result = cli("edit", "ubers-michelangelo", "--year", "2017", "-c", str(sample_catalogue))
    assert result.exit_code == 0
    assert "No changes" in result.stdout
    assert sample_catalogue.read_bytes() == before


# ----------------------------------------------------------------- --editor


def test_editor_changes_are_saved(cli: Run, sample_catalogue: Path, tmp_path: Path) -> None:
    editor = fake_editor(
        tmp_path,
        "assert 'kind: blog, paper' in text and '# venue = ' in text\n"
        "text = text.replace(\"Uber's Michelangelo\", 'Meet Michelangelo')\n"
        "text = text.replace('year = 2017', 'year = 2017\\nvenue = \"Uber Engineering Blog\"')\n"
        'text += \'description = """\\nFirst paragraph.\\n\\nSecond one."""\\n\'',
    )
    result = cli(
        "edit", "ubers-michelangelo", "--editor", "-c", str(sample_catalogue),
        env={"EDITOR": editor, "VISUAL": ""},
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    r = resource(sample_catalogue, "ubers-michelangelo")
    assert r.title == "Meet Michelangelo" and r.venue == "Uber Engineering Blog"
    assert r.description == "First paragraph.\n\nSecond one."
    assert r.year == 2017 and r.sections == ["platforms"]
    assert not list((tmp_path / "tmp").iterdir())  # the temp file is gone


def test_visual_wins_over_editor(cli: Run, sample_catalogue: Path, tmp_path: Path) -> None:
    visual = fake_editor(tmp_path, "text = text.replace('year = 2017', 'year = 2019')", name="v.py")
    editor = fake_editor(tmp_path, "raise SystemExit(3)", name="e.py")
    result = cli(
        "edit", "ubers-michelangelo", "--editor", "-c", str(sample_catalogue),
        env={"EDITOR": editor, "VISUAL": visual},
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert resource(sample_catalogue, "ubers-michelangelo").year == 2019


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("text = text.replace('kind = \"blog\"', 'kind = \"papr\"')", "unknown kind 'papr'"),
        ("text = text.replace('year = 2017', 'year = \"2017\"')", "year must be"),
        ("text = text.replace('org = \"Uber\"', 'org = \"Uber')", "invalid TOML"),
        ("text += 'colour = \"blue\"\\n'", "unknown field 'colour'"),
        ("text = text.replace('\"platforms\"', '\"nowhere\"')", "unknown section"),
        ("text = text.replace('id = \"ubers-michelangelo\"', 'id = \"other\"')", "id cannot"),
        ("text = text.replace('title = ', 'name = ')", "unknown field 'name'"),
        ("text = re.sub('(?m)^title = .*\\n', '', text)", "missing required field 'title'"),
    ],
)
def test_editor_invalid_content_saves_nothing(
    cli: Run, sample_catalogue: Path, tmp_path: Path, body: str, message: str
) -> None:
    before = sample_catalogue.read_bytes()
    result = cli(
        "edit", "ubers-michelangelo", "--editor", "-c", str(sample_catalogue),
        env={"EDITOR": fake_editor(tmp_path, body), "VISUAL": ""},
    )  # fmt: skip
    assert result.exit_code == 2, result.stderr
    assert sample_catalogue.read_bytes() == before
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "nothing was written" in lines[0]
    kept = Path(lines[0].split("kept in ")[1].strip())
    assert kept.is_file() and kept.parent == tmp_path / "tmp"
    assert kept.name.startswith("mlsd-ubers-michelangelo-")
    assert re.search(rf"{re.escape(str(kept))}:\d+", lines[0])  # file:line of the problem


def test_editor_without_changes_writes_nothing(
    cli: Run, sample_catalogue: Path, tmp_path: Path
) -> None:
    before = sample_catalogue.read_bytes()
    result = cli(
        "edit", "the-log", "--editor", "-c", str(sample_catalogue),
        env={"EDITOR": fake_editor(tmp_path, "pass"), "VISUAL": ""},
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "No changes" in result.stdout
    assert sample_catalogue.read_bytes() == before


def test_editor_failure_writes_nothing(cli: Run, sample_catalogue: Path, tmp_path: Path) -> None:
    before = sample_catalogue.read_bytes()
    failing = fake_editor(tmp_path, "text = ''\nraise SystemExit(1)")
    result = cli(
        "edit", "the-log", "--editor", "-c", str(sample_catalogue),
        env={"EDITOR": failing, "VISUAL": ""},
    )  # fmt: skip
    assert result.exit_code == 2
    assert "exited with status 1" in result.stderr
    missing = cli(
        "edit", "the-log", "--editor", "-c", str(sample_catalogue),
        env={"EDITOR": str(tmp_path / "no-such-editor"), "VISUAL": ""},
    )  # fmt: skip
    assert missing.exit_code == 2
    assert "cannot start the editor" in missing.stderr
    assert sample_catalogue.read_bytes() == before


def test_entry_changed_during_the_edit_is_not_overwritten(
    cli: Run, sample_catalogue: Path, tmp_path: Path
) -> None:
    """Someone else edits the entry while the editor is open: their change is kept."""
    editor = fake_editor(
        tmp_path,
        "import subprocess\n"
        f"subprocess.run([{sys.executable!r}, '-m', 'mlsd_cli', 'edit', 'the-log', "
        f"'--year', '1999', '-c', {str(sample_catalogue)!r}], check=True)\n"
        "text = text.replace('year = 2013', 'year = 2014')",
    )
    result = cli(
        "edit", "the-log", "--editor", "-c", str(sample_catalogue),
        env={"EDITOR": editor, "VISUAL": ""},
    )  # fmt: skip
    assert result.exit_code == 2
    assert "changed by another command" in result.stderr
    assert resource(sample_catalogue, "the-log").year == 1999


# ----------------------------------------------------------------- tags and names (issue 8)


def test_add_tag_warns_about_a_near_spelling_like_add_and_tag(
    cli: Run, sample_catalogue: Path
) -> None:
    """`edit --add-tag` gave no warning where add and tag did."""
    result = cli("edit", "the-log", "--add-tag", "ML platforms", "-c", str(sample_catalogue))
    assert result.exit_code == 0, result.stderr
    assert (
        result.stderr == "mlsd: warning: new tag 'ml-platforms' looks like existing 'ml-platform'\n"
    )
    assert resource(sample_catalogue, "the-log").tags == ["streaming", "ml-platforms"]


def test_removing_a_tag_the_entry_lacks_is_a_warning_not_an_error(
    cli: Run, sample_catalogue: Path
) -> None:
    """It exited 2 here and was a warning in `mlsd tag`: one policy now, the warning."""
    before = sample_catalogue.read_bytes()
    result = cli("edit", "the-log", "--remove-tag", "kafka", "-c", str(sample_catalogue))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "mlsd: warning: 'the-log' has no tag 'kafka'\n"
    assert "No changes to the-log" in result.stdout
    assert sample_catalogue.read_bytes() == before


@pytest.mark.parametrize("option", ["--tag", "--add-tag", "--remove-tag"])
def test_a_tag_with_no_letters_is_refused(cli: Run, sample_catalogue: Path, option: str) -> None:
    before = sample_catalogue.read_bytes()
    result = cli("edit", "the-log", option, "!!", "-c", str(sample_catalogue))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"mlsd: error: {option}: tag '!!' has no letters or digits")
    assert sample_catalogue.read_bytes() == before


def test_section_and_kind_prefixes(cli: Run, sample_catalogue: Path) -> None:
    result = cli(
        "edit", "the-log", "--add-section", "ml plat", "--kind", "PAP", "-c", str(sample_catalogue)
    )
    assert result.exit_code == 0, result.stderr
    r = resource(sample_catalogue, "the-log")
    assert r.sections == ["streaming", "platforms"] and r.kind == "paper"


def _editor_that_changes_the_file_meanwhile(tmp_path: Path, catalogue: Path, entry: str) -> str:
    """An editor that changes the title, while "another command" sets the year of ``entry``
    in the catalogue on disk (through the same commit step), before the editor closes."""
    return fake_editor(
        tmp_path,
        "from mlsd_cli.catalogue import store\n"
        "from mlsd_cli.changes.commit import Plan, commit\n"
        "class SetYear(Plan[None]):\n"
        "    def apply(self, c):\n"
        f"        c.resource({entry!r}).year = 1999\n"
        f"commit(pathlib.Path({str(catalogue)!r}), SetYear())\n"
        "text = text.replace('The Log: What', 'The Log - What')",
    )


def test_editor_refuses_when_the_entry_changed_on_disk_meanwhile(
    cli: Run, sample_catalogue: Path, tmp_path: Path
) -> None:
    editor = _editor_that_changes_the_file_meanwhile(tmp_path, sample_catalogue, "the-log")
    result = cli(
        "edit", "the-log", "--editor", "-c", str(sample_catalogue),
        env={"EDITOR": editor, "VISUAL": ""},
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == (
        "mlsd: error: 'the-log' was changed by another command meanwhile; nothing was written; "
        "run the command again\n"
    )
    log = resource(sample_catalogue, "the-log")
    assert log.year == 1999 and log.title.startswith("The Log: What")  # only the other change


def test_editor_keeps_a_change_made_meanwhile_to_another_entry(
    cli: Run, sample_catalogue: Path, tmp_path: Path
) -> None:
    editor = _editor_that_changes_the_file_meanwhile(
        tmp_path, sample_catalogue, "facebook-ads-clicks"
    )
    result = cli(
        "edit", "the-log", "--editor", "-c", str(sample_catalogue),
        env={"EDITOR": editor, "VISUAL": ""},
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert resource(sample_catalogue, "the-log").title.startswith("The Log - What")
    assert resource(sample_catalogue, "facebook-ads-clicks").year == 1999
