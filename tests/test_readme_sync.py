"""``mlsd import --from-readme``: hand edits of the README's generated region flow back into
the catalogue (issue 9), on a copy of the shipped catalogue and README."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store

from .conftest import ROOT

Cli = Callable[..., Result]

NAUTILUS = (
    "https://dropbox.tech/machine-learning/architecture-of-nautilus-the-new-dropbox-search-engine"
)
COMMUNITY = "https://engineering.linkedin.com/blog/2019/06/community-focused-feed-optimization"
INSTAGRAM = "https://instagram-engineering.com/powered-by-ai-instagrams-explore-recommender-system-7ca901d2a882"
NEW = "https://example.org/a-new-case-study"


@pytest.fixture
def copy(tmp_path: Path, cli: Cli) -> Path:
    """The shipped catalogue and README, the README's region regenerated (as CI keeps it)."""
    for name in ("resources.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    cat, readme = str(tmp_path / "resources.toml"), str(tmp_path / "README.md")
    assert cli("export", "--format", "markdown", "-c", cat, "--output", readme).exit_code == 0
    return tmp_path


def test_the_shipped_readme_as_it_is_flows_back_as_no_change(cli: Cli, tmp_path: Path) -> None:
    """The project's README links its feed (a feed line under the description): untouched,
    it is no edit at all."""
    for name in ("resources.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    assert "\nNew entries: [Atom feed](feed.xml)\n" in (tmp_path / "README.md").read_text("utf-8")
    cat, readme = tmp_path / "resources.toml", tmp_path / "README.md"
    result = cli("import", "--from-readme", str(readme), "-c", str(cat), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "0 added, 0 changed, 0 removed" in result.stdout


def _line(text: str, url: str) -> str:
    return next(line for line in text.split("\n") if f"]({url})" in line)


def _edit(readme: Path) -> None:
    """An item added, one reworded, one deleted, one moved to another section."""
    text = readme.read_text("utf-8")
    nautilus, community, instagram = (_line(text, u) for u in (NAUTILUS, COMMUNITY, INSTAGRAM))
    reworded = f"- [Nautilus: Dropbox's search engine]({NAUTILUS}) (**Dropbox**, 2021)"
    text = text.replace(nautilus, reworded)
    text = text.replace(community + "\n", "")
    text = text.replace(instagram + "\n", "")
    netflix = "#### Netflix\n\n"
    text = text.replace(netflix, netflix + instagram + "\n" + f"- [A new case study]({NEW})\n")
    readme.write_text(text, "utf-8")


def test_edits_of_the_region_are_planned_then_taken_back(cli: Cli, copy: Path) -> None:
    cat, readme = copy / "resources.toml", copy / "README.md"
    before = store.load(cat)
    _edit(readme)
    outside = readme.read_text("utf-8")
    plan = cli("import", "--from-readme", str(readme), "-c", str(cat), "--dry-run")
    assert plan.exit_code == 0, plan.stderr
    assert "Would change" in plan.stdout and "1 added, 2 changed, 1 removed" in plan.stdout
    assert store.load(cat) == before  # the dry run wrote nothing

    done = cli("import", "--from-readme", str(readme), "-c", str(cat), "--json")
    assert done.exit_code == 0, done.stderr
    report = json.loads(done.stdout)
    assert [r["url"] for r in report["added"]] == [NEW]
    after = store.load(cat)
    by_url = {r.url: r for r in after.resources}
    old = {r.url: r for r in before.resources}
    assert by_url[NAUTILUS].title == "Nautilus: Dropbox's search engine"
    assert by_url[NAUTILUS].year == 2021
    assert (
        by_url[NAUTILUS].kind == old[NAUTILUS].kind and by_url[NAUTILUS].tags == old[NAUTILUS].tags
    )
    assert COMMUNITY not in by_url
    assert by_url[INSTAGRAM].sections == ["netflix"] and by_url[NEW].sections == ["netflix"]
    assert sorted(report["removed"]) == [old[COMMUNITY].id]
    assert {c["id"]: c["fields"] for c in report["changed"]} == {
        old[NAUTILUS].id: ["title", "year"],
        old[INSTAGRAM].id: ["sections"],
    }
    # every other entry is as it was, field by field
    untouched = [r for r in before.resources if r.url not in (NAUTILUS, COMMUNITY, INSTAGRAM)]
    assert untouched == [r for r in after.resources if r.url not in (NAUTILUS, INSTAGRAM, NEW)]
    assert readme.read_text("utf-8") == outside  # the README is read, never written
    # the README regenerated from the new catalogue keeps the edits: nothing left to take back
    assert (
        cli("export", "--format", "markdown", "-c", str(cat), "--output", str(readme)).exit_code
        == 0
    )
    again = cli("import", "--from-readme", str(readme), "-c", str(cat))
    assert again.exit_code == 0 and "nothing to take back" in again.stdout


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("#### Netflix\n", "#### Netflix and friends\n"),
            "Netflix and friends' is not a section",
        ),
        (("#### Instagram\n", ""), "heading"),
        (("#### Dropbox\n\n", "#### Dropbox\n\nSome prose a contributor added.\n\n"), "text under"),
        (("Case studies, papers, talks", "Case studies and talks"), "above the first heading"),
        (("<!-- mlsd:end -->", ""), "has no matching"),
    ],
)
def test_edits_it_cannot_map_are_refused_in_one_line(
    cli: Cli, copy: Path, change: tuple[str, str], message: str
) -> None:
    cat, readme = copy / "resources.toml", copy / "README.md"
    text = readme.read_text("utf-8")
    assert change[0] in text
    readme.write_text(text.replace(change[0], change[1], 1), "utf-8")
    before = cat.read_bytes()
    result = cli("import", "--from-readme", str(readme), "-c", str(cat))
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") <= 2, result.stderr
    assert "Traceback" not in result.stderr
    assert cat.read_bytes() == before


def test_an_item_listed_twice_with_different_text_is_refused(cli: Cli, copy: Path) -> None:
    cat, readme = copy / "resources.toml", copy / "README.md"
    text = readme.read_text("utf-8")
    netflix = "#### Netflix\n\n"
    readme.write_text(text.replace(netflix, netflix + f"- [Another name]({NAUTILUS})\n"), "utf-8")
    result = cli("import", "--from-readme", str(readme), "-c", str(cat))
    assert result.exit_code == 2 and "listed twice with different text" in result.stderr


def test_an_org_edited_in_the_byline_flows_back(cli: Cli, copy: Path) -> None:
    """The full export writes the org as the bold part of the byline; editing it there changes
    the entry's org, and nothing else."""
    cat, readme = copy / "resources.toml", copy / "README.md"
    text = readme.read_text("utf-8")
    line = _line(text, NAUTILUS)
    assert line.endswith("(**Dropbox**)")
    readme.write_text(text.replace(line, line.replace("**Dropbox**", "**Dropbox Inc.**")), "utf-8")
    done = cli("import", "--from-readme", str(readme), "-c", str(cat), "--json")
    assert done.exit_code == 0, done.stderr
    assert [c["fields"] for c in json.loads(done.stdout)["changed"]] == [["org"]]
    assert {r.url: r.org for r in store.load(cat).resources}[NAUTILUS] == "Dropbox Inc."
